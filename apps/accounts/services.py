"""Writes of API tokens, second-factor devices and 2FA enrollment codes."""

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core.exceptions import InvalidInput

from .models import ApiToken, TwoFactorEnrollmentCode
from .selectors import (
    enrollment_code_find,
    enrollment_code_normalise,
    enrollment_code_required,
    static_device,
    token_hash,
    totp_device,
)

log = logging.getLogger("voipmon.auth")
BACKUP_CODE_COUNT = 10
ENROLLMENT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone


@transaction.atomic
def apitoken_create(*, user, name, days=None):
    """A new token; returns (token, key). The key is shown once and stored only as a hash."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the token a name."))
    key = secrets.token_hex(20)  # 40 hex characters, the shape DRF tokens had
    expires_at = timezone.now() + dt.timedelta(days=int(days)) if days else None
    token = ApiToken(user=user, name=name[:100], key_hash=token_hash(key), prefix=key[:8], expires_at=expires_at)
    token.save()
    log.info("API token %s created for user %r", token.prefix, user.username)
    return token, key


@transaction.atomic
def apitoken_revoke(*, token):
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        log.info("API token %s of user %r revoked", token.prefix, token.user.username)
    return token


def apitoken_touch(*, token):
    """Remember when a token was last used, at most once a minute (no write per request)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


@transaction.atomic
def totp_enrollment_start(*, user):
    """The unconfirmed TOTP device the QR code shows; reused until confirmed, so reloads keep the secret."""
    device = totp_device(user=user, confirmed=False)
    if device is None:
        device = TOTPDevice(user=user, name=_("Authenticator app"), confirmed=False)
        device.save()
    return device


@transaction.atomic
def totp_enrollment_confirm(*, user, code, enrollment_code_id=None):
    """Confirm the device with a first code; returns the new backup codes (shown once).

    A `req_2fa` user's first enrollment also needs the administrator's enrollment code that the
    session accepted (`enrollment_code_id`); it is used up here.
    """
    enrollment = None
    if enrollment_code_required(user=user):
        enrollment = enrollment_code_find(user=user, code_id=enrollment_code_id) if enrollment_code_id else None
        if enrollment is None:
            raise InvalidInput(_("Your enrollment code is no longer valid. Ask your administrator for a new one."))
    device = totp_device(user=user, confirmed=False)
    if device is None or not device.verify_token(str(code).strip().replace(" ", "")):
        raise InvalidInput(_("That code is not right. Check the time on your phone and try again."))
    if enrollment is not None:
        enrollment.delete()
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save()
    log.info("two-factor authentication enrolled for user %r", user.username)
    return device, backup_codes_regenerate(user=user)


@transaction.atomic
def backup_codes_regenerate(*, user):
    device = static_device(user=user)
    if device is None:
        device = StaticDevice(user=user, name=_("Backup codes"), confirmed=True)
        device.save()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def second_factor_remove(*, user):
    """Remove every device (only for users whose administrator does not require 2FA)."""
    if user.req_2fa:
        raise InvalidInput(_("Your administrator requires two-factor authentication."))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    log.info("two-factor authentication removed for user %r", user.username)


@transaction.atomic
def enrollment_code_issue(*, user, issued_by=None):
    """A new one-time enrollment code for `user`, replacing any earlier one; returns (code, expires_at).

    The code is shown once to the administrator, who hands it to the user out of band (in person, by
    phone); only its SHA-256 is stored. 16 characters of a 32-letter alphabet: 80 bits.
    """
    code = "-".join("".join(secrets.choice(ENROLLMENT_ALPHABET) for _i in range(4)) for _j in range(4))
    expires_at = timezone.now() + dt.timedelta(hours=settings.VOIPMON_2FA_ENROLLMENT_CODE_HOURS)
    TwoFactorEnrollmentCode.objects.filter(user=user).delete()
    TwoFactorEnrollmentCode(
        user=user, code_hash=token_hash(enrollment_code_normalise(code)), expires_at=expires_at, created_by=issued_by
    ).save()
    log.info("2FA enrollment code issued for user %r by %r", user.username, issued_by.username if issued_by else "-")
    return code, expires_at
