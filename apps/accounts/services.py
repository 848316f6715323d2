"""Writes of sign-in counters, API tokens, second-factor devices and 2FA enrollment codes, and the
local password check (it writes the counters)."""

import datetime as dt
import hashlib
import hmac
import logging
import secrets

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core.exceptions import InvalidInput, NotAuthenticated
from apps.users.selectors import user_get_by_username, user_refuse_if_blocked

from .models import ApiToken, SignInCounter, TwoFactorEnrollmentCode
from .selectors import (
    enrollment_code_find,
    enrollment_code_normalise,
    enrollment_code_required,
    signin_counters,
    static_device,
    token_hash,
    totp_device,
    user_has_second_factor,
)
from .throttle import block_after, counter_keys, login_lock_check, window

log = logging.getLogger("voipmon.auth")
BACKUP_CODE_COUNT = 10
ENROLLMENT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone


@transaction.atomic
def signin_failure_record(*, username, address=None, interface):
    """Count a failure (never the password) on the pair, the address and the name, and log it."""
    log.warning("sign-in failed: user=%r address=%s interface=%s", username, address or "-", interface)
    now = timezone.now()
    for kind, key in counter_keys(username=username, address=address).items():
        row, created = SignInCounter.objects.select_for_update().get_or_create(
            kind=kind, key=key, defaults={"window_start": now}
        )
        if created:
            signin_counters_purge(now=now)
        if now - row.window_start > window(kind):
            row.failures, row.window_start = 0, now
        row.failures += 1
        blocked_until = block_after(kind, row.failures, now)
        if blocked_until is not None:
            row.blocked_until = blocked_until
            if kind != "user" or row.failures == settings.VOIPMON_LOGIN_SLOW_AFTER_FAILURES_PER_USER:
                log.warning("sign-in locked: %s of user=%r address=%s until %s", kind, username, address, blocked_until)
        row.save()


def signin_success_record(*, username, address=None, counters=None):
    """A correct password: the pair's failures are forgiven and the address becomes known for the name.

    `counters` are those login_lock_check read; nothing is written when the pair is already clean and
    its success is less than a day old (scripts sign in with every request).
    """
    if not address:
        return
    now = timezone.now()
    keys = counter_keys(username=username, address=address)
    pair = (counters if counters is not None else signin_counters(keys=keys)).get("pair")
    fresh = pair is not None and pair.last_success_at and now - pair.last_success_at < dt.timedelta(days=1)
    if fresh and not pair.failures and pair.blocked_until is None:
        return
    with transaction.atomic():
        SignInCounter.objects.update_or_create(
            kind="pair",
            key=keys["pair"],
            defaults={"failures": 0, "window_start": now, "blocked_until": None, "last_success_at": now},
        )


def signin_counters_purge(*, now):
    """Forget counters nobody touched for a window, except pairs still remembered as known."""
    longest = max(settings.VOIPMON_LOGIN_USER_WINDOW_SECONDS, settings.VOIPMON_LOGIN_LOCK_SECONDS)
    quiet = now - dt.timedelta(seconds=longest)
    known = now - dt.timedelta(days=settings.VOIPMON_LOGIN_KNOWN_ADDRESS_DAYS)
    stale = Q(updated_at__lt=quiet) & (Q(last_success_at__isnull=True) | Q(last_success_at__lt=known))
    SignInCounter.objects.filter(stale).delete()


def credential_cache_key(username, password):
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{username}\0{password}".encode(), hashlib.sha256)
    return "voipmon:cred:" + digest.hexdigest()


def password_authenticate(*, username, password, address=None, interface="api"):
    """Check a local password (never LDAP or SSO: the legacy API's rule), refusing blocked users.

    Scripts send the password with every api.php request, and a password hash costs hundreds of
    milliseconds by design. A successful check is remembered for a few minutes under an HMAC of the
    credentials, bound to the stored hash, so a changed password invalidates it at once. Failures
    count towards the sign-in lock (throttle.py). Users with two-factor authentication cannot use a
    password alone here: their programs use API tokens.
    """
    failure = NotAuthenticated(_("Wrong user name or password."))
    if not username or not password:
        raise failure
    counters = login_lock_check(username=username, address=address)
    user = user_get_by_username(username=username)
    if user is None or not user.is_active:
        make_password(password)  # the same work for unknown users: no timing oracle
        signin_failure_record(username=username, address=address, interface=interface)
        raise failure
    key = credential_cache_key(username, password)
    fingerprint = hashlib.sha256(user.password.encode()).hexdigest()
    if cache.get(key) != fingerprint:
        if not user.check_password(password):
            signin_failure_record(username=username, address=address, interface=interface)
            raise failure
        cache.set(key, fingerprint, settings.VOIPMON_LEGACY_AUTH_CACHE_SECONDS)
    user_refuse_if_blocked(user)
    if user_has_second_factor(user):
        raise NotAuthenticated(
            _("This user signs in with two-factor authentication; programs use an API token from the profile page.")
        )
    if user.tenant_id is None:
        raise NotAuthenticated(_("This account belongs to no tenant and cannot use the API."))
    signin_success_record(username=username, address=address, counters=counters)
    return user


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


def apitoken_issue(*, user, name="api"):
    """A new token for a program (the REST token exchange, tests); returns only the key."""
    return apitoken_create(user=user, name=name)[1]


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
