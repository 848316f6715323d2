"""Every write of users and groups. API tokens and other credentials are apps.accounts'."""

import logging

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.capabilities import CAPABILITY_FLAGS
from apps.core.exceptions import Conflict, InvalidInput, NotAuthenticated

from .models import LANGUAGE_CHOICES, User

log = logging.getLogger("voipmon.auth")

# What an administrator may set on a user, in the order the REST API shows it.
USER_EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "is_admin",
    "group",
    "timezone",
    *User.RESTRICTION_FIELDS,
    *User.ACCESS_FIELDS,
    "is_active",
    *CAPABILITY_FLAGS,
)
USER_EDITABLE = frozenset(USER_EDITABLE_FIELDS)


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
        raise Conflict(_("User name %(username)s is taken.") % {"username": username})
    unknown = set(extra) - USER_EDITABLE
    if unknown:
        raise InvalidInput(_("Unknown user field: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    user = User(username=username, tenant=tenant, is_admin=is_admin, enable_sensors=list(sensors or []), **extra)
    for flag, value in (flags or {}).items():
        setattr(user, flag, value)
    if check_password:
        password_validate(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def password_validate(password, user):
    """Django's password validators (length, common, numeric, like the user's name), as one message."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages)) from None


@transaction.atomic
def user_update(*, actor, user, password=None, **fields):
    actor.require_admin()
    unknown = set(fields) - USER_EDITABLE
    if unknown:
        raise InvalidInput(_("Unknown user field: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(user, name, value)
    if password:
        password_validate(password, user)  # an administrator setting it is held to the same rules
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_delete(*, actor, user):
    actor.require_admin()
    user.delete()


class IdentityConflict(NotAuthenticated):
    """An external identity would land on someone else's account: refused, never merged."""

    code = "identity_conflict"


EXTERNAL_FIELDS = USER_EDITABLE - {"is_active", "group"}


@transaction.atomic
def user_external_upsert(*, tenant, external_id, username, fields=None, group=None, update_group=True):
    """Find the user of `tenant` with this stable external id, or create one, and apply `fields`.

    A second person with the same id, or an id landing on a user name that belongs to another
    account, is refused with a log line: two people must never share settings.
    """
    from .selectors import user_get_by_external_id, user_get_by_username

    fields = dict(fields or {})
    unknown = set(fields) - EXTERNAL_FIELDS
    if unknown:
        raise InvalidInput(_("Unknown user field: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    user = user_get_by_external_id(tenant_id=tenant.pk, external_id=external_id)
    refused = IdentityConflict(_("This account cannot sign in here; the administrator can find why in the log."))
    if user is not None and user.username.lower() != username.lower():
        log.error(
            "sign-in refused: external id %r of tenant %s already belongs to user %r, not %r",
            external_id,
            tenant.slug,
            user.username,
            username,
        )
        raise refused
    if user is None:
        holder = user_get_by_username(username=username)
        if holder is not None:
            log.error(
                "sign-in refused: user name %r is taken by another account (tenant %s, external id %r); "
                "external id %r of tenant %s cannot use it",
                username,
                holder.tenant.slug if holder.tenant else "-",
                holder.external_id or "-",
                external_id,
                tenant.slug,
            )
            raise refused
        user = User(username=username, tenant=tenant, external_id=external_id)
        user.set_unusable_password()
        log.info("created user %r in tenant %s for external id %r", username, tenant.slug, external_id)
    for name, value in fields.items():
        setattr(user, name, value)
    if update_group or user.pk is None:
        user.group = group
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_timezone_set(*, user, timezone):
    """A user changes their own time zone on the profile page ('' means the tenant's)."""
    from apps.tenants.models import validate_timezone

    if timezone:
        try:
            validate_timezone(timezone)
        except ValidationError as exc:
            raise InvalidInput(" ".join(exc.messages)) from None
    user.timezone = timezone
    user.save(update_fields=["timezone"])
    return user


def user_language_set(*, user, language):
    """A user picks the language of the pages on the profile page ('' means the browser's)."""
    if language and language not in dict(LANGUAGE_CHOICES):
        raise InvalidInput(_("Choose a language from the list."))
    user.language = language
    user.save(update_fields=["language"])
    return user
