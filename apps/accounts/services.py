"""Writes of API tokens and second-factor devices."""

import datetime as dt
import logging
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core.exceptions import InvalidInput

from .models import ApiToken
from .selectors import static_device, token_hash, totp_device

log = logging.getLogger("voipmon.auth")
BACKUP_CODE_COUNT = 10


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
def totp_enrollment_confirm(*, user, code):
    """Confirm the device with a first code; returns the new backup codes (shown once)."""
    device = totp_device(user=user, confirmed=False)
    if device is None or not device.verify_token(str(code).strip().replace(" ", "")):
        raise InvalidInput(_("That code is not right. Check the time on your phone and try again."))
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
