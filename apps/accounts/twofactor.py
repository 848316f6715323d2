"""The second factor: who needs it, whether this session passed it, and checking a code."""

from django_otp import login as otp_login
from django_otp import match_token

from apps.users.selectors import user_has_second_factor
from apps.users.throttle import login_failure_record, login_lock_check, login_success_record


def session_is_verified(request):
    user = getattr(request, "user", None)
    return bool(user is not None and getattr(user, "is_verified", lambda: False)())


def second_factor_pending(request):
    """Signed in with the first factor, but the second is still owed."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return user_has_second_factor(user) and not session_is_verified(request)


def second_factor_verify(request, code, *, address=None):
    """Check a TOTP or backup code; on success the session is verified. Failures count towards the lock."""
    user = request.user
    login_lock_check(username=user.username, address=address)
    device = match_token(user, str(code or "").strip().replace(" ", ""))
    if device is None:
        login_failure_record(username=user.username, address=address, interface="2fa")
        return False
    otp_login(request, device)
    login_success_record(username=user.username)
    return True


def session_verify_with(request, device):
    otp_login(request, device)


def qr_svg(device):
    """The otpauth:// URL of a TOTP device as an inline SVG QR code (no image library needed)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def base32_secret(device):
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
