"""The tenant administration's user and group forms. Values go to user_create / user_update /
usergroup_* (which check them); the choices (groups, sensors) come from the actor's own tenant."""

import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.capabilities import CAPABILITY_FLAGS, RESTRICTING_FLAGS

INHERIT, YES, NO = "", "1", "0"
USER_FLAG_CHOICES = [(INHERIT, _("from the group")), (YES, _("yes")), (NO, _("no"))]


def flag_label(flag):
    return f"{flag} ({_('takes away')})" if flag in RESTRICTING_FLAGS else flag


def _zone(value):
    if value and value not in zoneinfo.available_timezones():
        raise forms.ValidationError(
            _("%(value)s is not a time zone (for example Europe/Prague)."), params={"value": value}
        )


class UserForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("When editing: leave empty to keep the password."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    timezone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        required=False,
        validators=[_zone],
        help_text=_("Empty: the organisation's time zone."),
    )
    group = forms.TypedChoiceField(label=_("Group"), required=False, coerce=int, empty_value=None)
    is_admin = forms.BooleanField(label=_("Tenant administrator (every capability)"), required=False)
    enable_sensors = forms.TypedMultipleChoiceField(
        label=_("Sensors this user sees (none ticked: every sensor)"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    restrict_numbers = forms.CharField(
        label=_("Number restriction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Numbers the user sees, comma-separated; % is a wildcard."),
    )
    restrict_domains = forms.CharField(
        label=_("Domain restriction"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    restrict_ips = forms.CharField(
        label=_("IP restriction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Addresses or CIDR networks, comma-separated."),
    )
    restrict_vlans = forms.CharField(label=_("VLAN restriction"), required=False)
    restrict_both_sides = forms.BooleanField(label=_("Caller and called must both match"), required=False)
    custom_headers_cdr = forms.CharField(
        label=_("Visible custom headers"), required=False, help_text=_("Empty: every custom header.")
    )
    req_2fa = forms.BooleanField(label=_("Requires two-factor authentication"), required=False)
    blocked = forms.BooleanField(label=_("Blocked"), required=False)
    blocked_reason = forms.CharField(label=_("Reason shown when blocked"), max_length=255, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, groups=(), sensors=(), creating=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("no group")), *[(g.pk, g.name) for g in groups]]
        self.fields["enable_sensors"].choices = [(s.id_sensor, f"{s.id_sensor} · {s.name}") for s in sensors]
        self.fields["password"].required = creating
        if not creating:
            self.fields["username"].disabled = True


class FlagsForm(forms.Form):
    """One select per capability flag: from the group, yes or no (a user's own value wins)."""

    def __init__(self, *args, for_group=False, **kwargs):
        super().__init__(*args, **kwargs)
        for flag in CAPABILITY_FLAGS:
            if for_group:
                self.fields[flag] = forms.BooleanField(label=flag_label(flag), required=False)
            else:
                self.fields[flag] = forms.ChoiceField(label=flag_label(flag), choices=USER_FLAG_CHOICES, required=False)

    def values(self):
        data = self.cleaned_data
        return {
            flag: (None if data[flag] == INHERIT else data[flag] == YES)
            if isinstance(data[flag], str)
            else bool(data[flag])
            for flag in CAPABILITY_FLAGS
        }


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
