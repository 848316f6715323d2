"""Every write of users, groups and API tokens."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from apps.core.capabilities import CAPABILITY_FLAGS
from apps.core.exceptions import InvalidInput

from .models import User

USER_EDITABLE = {
    "first_name",
    "last_name",
    "email",
    "is_admin",
    "group",
    "timezone",
    "enable_sensors",
    "restrict_numbers",
    "restrict_domains",
    "restrict_ips",
    "restrict_vlans",
    "restrict_both_sides",
    "custom_headers_cdr",
    "custom_headers_message",
    "blocked",
    "blocked_reason",
    "req_2fa",
    "is_active",
    *CAPABILITY_FLAGS,
}


def flags_parse(text):
    """`can_cdr,can_pcap` -> {"can_cdr": True, ...}; an unknown flag is an error naming it."""
    flags = [f.strip() for f in (text or "").split(",") if f.strip()]
    unknown = [f for f in flags if f not in CAPABILITY_FLAGS]
    if unknown:
        raise InvalidInput(_("Unknown capability flag: %(flags)s") % {"flags": ", ".join(unknown)})
    return dict.fromkeys(flags, True)


@transaction.atomic
def user_create(*, username, tenant, password, is_admin=False, flags=None, sensors=None, check_password=False, **extra):
    if User.objects.filter(username=username).exists():
        raise InvalidInput(_("User name %(username)s is taken.") % {"username": username})
    unknown = set(extra) - USER_EDITABLE
    if unknown:
        raise InvalidInput(_("Unknown user field: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    user = User(username=username, tenant=tenant, is_admin=is_admin, enable_sensors=list(sensors or []), **extra)
    for flag, value in (flags or {}).items():
        setattr(user, flag, value)
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise InvalidInput(" ".join(exc.messages)) from None
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_update(*, actor, user, password=None, **fields):
    actor.require_admin()
    unknown = set(fields) - USER_EDITABLE
    if unknown:
        raise InvalidInput(_("Unknown user field: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(user, name, value)
    if password:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_delete(*, actor, user):
    actor.require_admin()
    user.delete()


def token_issue(*, user):
    token, _created = Token.objects.get_or_create(user=user)
    return token.key
