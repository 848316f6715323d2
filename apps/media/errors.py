"""The media core's one error type.

It keeps the untranslated template and its named parameters apart, so the Django edge can translate
the template first and fill the placeholders after (`err.translated(gettext)`), while `str(err)`
still reads well in logs and tests.
"""


class MediaError(Exception):
    def __init__(self, template: str, **params):
        self.template = template
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return self.template.format(**self.params)

    def translated(self, gettext) -> str:
        return gettext(self.template).format(**self.params)
