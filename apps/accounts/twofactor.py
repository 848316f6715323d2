"""The second factor: who needs it, whether this session passed it, and checking a code."""

from django_otp import login as otp_login
from django_otp import match_token

from .selectors import enrollment_code_find, enrollment_code_required, user_has_second_factor
from .services import signin_failure_record, signin_success_record
from .throttle import login_lock_check

ENROLLMENT_SESSION_KEY = "voipmon_2fa_enrollment_code"


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
    counters = login_lock_check(username=user.username, address=address)
    device = match_token(user, str(code or "").strip().replace(" ", ""))
    if device is None:
        signin_failure_record(username=user.username, address=address, interface="2fa")
        return False
    otp_login(request, device)
    signin_success_record(username=user.username, address=address, counters=counters)
    return True


def enrollment_code_accept(request, code, *, address=None):
    """Check the administrator's enrollment code; on success this session may enroll. Failures count."""
    user = request.user
    login_lock_check(username=user.username, address=address)
    enrollment = enrollment_code_find(user=user, code=code)
    if enrollment is None:
        signin_failure_record(username=user.username, address=address, interface="2fa-enrollment")
        return False
    request.session[ENROLLMENT_SESSION_KEY] = enrollment.pk
    return True


def enrollment_code_pending(request):
    """The user must still enter an enrollment code before this session may set up 2FA."""
    if not enrollment_code_required(user=request.user):
        return False
    accepted = request.session.get(ENROLLMENT_SESSION_KEY)
    return accepted is None or enrollment_code_find(user=request.user, code_id=accepted) is None


def enrollment_code_accepted_id(request):
    return request.session.get(ENROLLMENT_SESSION_KEY)


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
