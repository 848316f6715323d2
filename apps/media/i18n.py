"""Translation marker for the Django-free media modules.

`_` only marks a string for extraction (xgettext/makemessages look for calls named `_`); it returns
the text unchanged so these modules stay importable without Django. Translation happens at the edge:
`MediaError.translated(gettext)` runs the template through Django's gettext and then fills the
named placeholders. The lead may point `_` at `django.utils.translation.gettext_noop`; behaviour is
identical.
"""


def _(message: str) -> str:
    return message
