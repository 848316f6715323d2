"""Two-factor pages: enrollment with a QR code and backup codes, the code step after the password, removal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.exceptions import AppError

from .forms import CodeForm, EnrollmentCodeForm
from .selectors import totp_device
from .services import backup_codes_regenerate, second_factor_remove, totp_enrollment_confirm, totp_enrollment_start
from .signin import client_address
from .twofactor import (
    ENROLLMENT_SESSION_KEY,
    base32_secret,
    enrollment_code_accept,
    enrollment_code_accepted_id,
    enrollment_code_pending,
    qr_svg,
    second_factor_verify,
    session_is_verified,
    session_verify_with,
)
from .views import safe_next


@login_required
def twofactor_setup_view(request):
    """Enroll a TOTP app. A user who already has one must verify first (the middleware sees to that)."""
    user = request.user
    if totp_device(user=user, confirmed=True) is not None and not session_is_verified(request):
        return redirect("accounts:twofactor-verify")
    if enrollment_code_pending(request):
        return enrollment_code_step(request)
    device = totp_enrollment_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = totp_enrollment_confirm(
                user=user, code=form.cleaned_data["code"], enrollment_code_id=enrollment_code_accepted_id(request)
            )
        except AppError as exc:
            messages.error(request, exc.message)
        else:
            session_verify_with(request, device)
            request.session.pop(ENROLLMENT_SESSION_KEY, None)
            return render(request, "accounts/backup_codes.html", {"codes": codes, "next": safe_next(request)})
    context = {"form": form, "qr_svg": qr_svg(device), "secret": base32_secret(device), "next": request.GET.get("next")}
    return render(request, "accounts/twofactor_setup.html", context)


def enrollment_code_step(request):
    """Before a required first enrollment: the one-time code the administrator handed out. No QR code yet."""
    form = EnrollmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accepted = enrollment_code_accept(
                request, form.cleaned_data["enrollment_code"], address=client_address(request)
            )
        except AppError as exc:
            messages.error(request, exc.message)
        else:
            if accepted:
                return redirect(request.get_full_path())
            messages.error(request, _("That enrollment code is not right or has expired."))
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next") or ""}
    return render(request, "accounts/twofactor_enrollment_code.html", context)


@login_required
def twofactor_verify_view(request):
    """The code step after the password: a code from the app, or one of the backup codes."""
    if totp_device(user=request.user, confirmed=True) is None:
        return redirect("accounts:twofactor-setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verified = second_factor_verify(request, form.cleaned_data["code"], address=client_address(request))
        except AppError as exc:
            messages.error(request, exc.message)
        else:
            if verified:
                return redirect(safe_next(request))
            messages.error(request, _("That code is not right."))
    return render(request, "accounts/twofactor_verify.html", {"form": form, "next": request.GET.get("next") or ""})


@login_required
@require_POST
def backup_codes_view(request):
    codes = backup_codes_regenerate(user=request.user)
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": safe_next(request)})


@login_required
@require_POST
def twofactor_remove_view(request):
    try:
        second_factor_remove(user=request.user)
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Two-factor authentication is off."))
    return redirect("accounts:profile")
