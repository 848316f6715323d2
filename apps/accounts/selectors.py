"""Reads of sign-in settings, sign-in counters, API tokens and second-factor devices."""

import hashlib

from django.db.models import Q
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core.actor import Actor

from .models import ApiToken, SignInCounter, TenantAuthConfig, TwoFactorEnrollmentCode


def token_hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def enrollment_code_normalise(code):
    """`abcd efgh-jkmn` -> `ABCDEFGHJKMN`: people type codes with spaces, dashes and lower case."""
    return "".join(ch for ch in str(code or "").upper() if ch.isalnum())


def authconfig_for_tenant(*, tenant):
    """The tenant's sign-in settings, or None when it has none (local accounts only)."""
    if tenant is None:
        return None
    scope = Actor(tenant_id=tenant.pk)  # the sign-in page's tenant, before any user is known
    return TenantAuthConfig.objects.visible_to(scope).select_related("tenant", "default_group").first()


def signin_counters(*, keys):
    """{kind: SignInCounter} of the counters named by `keys` ({kind: key}) that exist: one query."""
    wanted = [Q(kind=kind, key=key) for kind, key in keys.items()]
    query = wanted[0]
    for part in wanted[1:]:
        query |= part
    return {row.kind: row for row in SignInCounter.objects.filter(query)}


def user_has_second_factor(user):
    """True when the user must pass a second factor: required by the admin, or enrolled by choice."""
    return bool(user.req_2fa) or any(True for _device in devices_for_user(user, confirmed=True))


def ldap_mappings(*, config):
    return list(config.ldap_mappings.select_related("group").all())


def apitoken_find(*, key):
    if not key:
        return None
    return (
        ApiToken.objects.select_related("user", "user__tenant", "user__group").filter(key_hash=token_hash(key)).first()
    )


def apitoken_list(*, user):
    return list(ApiToken.objects.filter(user=user).order_by("-created_at"))


def apitoken_get(*, user, token_id):
    """One of the user's own tokens; another user's token looks the same as a missing one."""
    try:
        return ApiToken.objects.filter(user=user).get(pk=int(token_id))
    except (ApiToken.DoesNotExist, TypeError, ValueError):
        return None


def totp_device(*, user, confirmed):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def static_device(*, user):
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def backup_codes_left(*, user):
    device = static_device(user=user)
    return device.token_set.count() if device else 0


def enrollment_code_required(*, user):
    """A `req_2fa` user without an authenticator yet: the first enrollment needs an administrator's code."""
    return bool(user.req_2fa) and totp_device(user=user, confirmed=True) is None


def enrollment_code_find(*, user, code=None, code_id=None):
    """The user's unexpired enrollment code matching `code` (or with id `code_id`), or None."""
    codes = TwoFactorEnrollmentCode.objects.filter(user=user, expires_at__gt=timezone.now())
    if code_id is not None:
        return codes.filter(pk=code_id).first()
    normalised = enrollment_code_normalise(code)
    return codes.filter(code_hash=token_hash(normalised)).first() if normalised else None
