import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.users.models import LANGUAGE_CHOICES


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class EnrollmentCodeForm(forms.Form):
    enrollment_code = forms.CharField(
        label=_("Enrollment code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "spellcheck": "false"}),
    )


def timezone_choices():
    return [("", _("The organisation's time zone"))] + [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]


class TimezoneForm(forms.Form):
    timezone = forms.ChoiceField(label=_("Time zone"), required=False, choices=timezone_choices)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=lambda: [("", _("As my browser asks")), *LANGUAGE_CHOICES]
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=0, max_value=3650, initial=90, help_text=_("0: does not expire.")
    )
