"""Pages for people: sign-in, sign-out, the profile (time zone, 2FA, API tokens). Thin: services do the work."""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from social_core.exceptions import SocialAuthBaseException
from social_django.views import complete as social_complete

from apps.core.exceptions import AppError, NotFound
from apps.tenants.selectors import tenant_for_host, tenant_get_by_slug
from apps.users.services import user_language_set, user_timezone_set

from .forms import LanguageForm, LoginForm, TimezoneForm, TokenForm
from .selectors import apitoken_get, apitoken_list, authconfig_for_tenant, backup_codes_left, totp_device
from .services import apitoken_create, apitoken_revoke
from .signin import password_sign_in
from .twofactor import second_factor_pending

log = logging.getLogger("voipmon.auth")
SSO_BUTTONS = (
    ("google-oauth2", "google_enabled", "Google"),
    ("azuread-tenant-oauth2", "microsoft_enabled", "Microsoft"),
)


def safe_next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)


def page_tenant(request, tenant_slug):
    """The sign-in page's tenant: the URL's slug (or ?tenant=), else the tenant owning the host name.

    An unknown slug is 404; an unknown host is the plain page for local accounts.
    """
    if not tenant_slug:
        return tenant_for_host(host=request.get_host())
    try:
        return tenant_get_by_slug(slug=tenant_slug)
    except NotFound:
        raise Http404(_("No such organisation.")) from None


def sso_buttons(config):
    if config is None:
        return []
    return [{"backend": name, "label": label} for name, attr, label in SSO_BUTTONS if getattr(config, attr)]


def login_view(request, tenant_slug=None):
    tenant = page_tenant(request, tenant_slug or request.GET.get("tenant"))
    config = authconfig_for_tenant(tenant=tenant)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_sign_in(request=request, tenant=tenant, **form.cleaned_data)
        except AppError as exc:
            messages.error(request, exc.message)
        else:
            if second_factor_pending(request):
                return redirect(f"{reverse('accounts:twofactor-verify')}?{urlencode({'next': safe_next(request)})}")
            return redirect(safe_next(request))
    context = {
        "form": form,
        "tenant": tenant,
        "ldap_enabled": bool(config and config.ldap_enabled),
        "sso_buttons": sso_buttons(config),
        "next": request.POST.get("next") or request.GET.get("next") or "",
    }
    return render(
        request, "accounts/login.html", context, status=401 if form.errors or request.method == "POST" else 200
    )


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("accounts:login")


def profile_context(request, **extra):
    user = request.user
    return {
        "user_tenant": user.tenant,
        "timezone_form": TimezoneForm(initial={"timezone": user.timezone}),
        "language_form": LanguageForm(initial={"language": user.language}),
        "token_form": TokenForm(),
        "tokens": apitoken_list(user=user),
        "enrolled": totp_device(user=user, confirmed=True) is not None,
        "backup_codes_left": backup_codes_left(user=user),
        "req_2fa": user.req_2fa,
        "flags": sorted(user.effective_flags()),
        "effective_timezone": user.timezone or (user.tenant.timezone if user.tenant else settings.TIME_ZONE),
        **extra,
    }


@login_required
def profile_view(request):
    if request.method == "POST":
        form = TimezoneForm(request.POST)
        if form.is_valid():
            user_timezone_set(user=request.user, timezone=form.cleaned_data["timezone"])
            messages.success(request, _("Your time zone is saved."))
            return redirect("accounts:profile")
        messages.error(request, _("Choose a time zone from the list."))
    return render(request, "accounts/profile.html", profile_context(request))


@login_required
@require_POST
def language_view(request):
    """The chosen language wins over the browser's from the next page on (UserLanguageMiddleware); the
    cookie keeps it for the signed-out pages too, and an empty choice hands back to Accept-Language."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a language from the list."))
        return redirect("accounts:profile")
    language = form.cleaned_data["language"]
    user_language_set(user=request.user, language=language)
    translation.activate(language or translation.get_language_from_request(request))  # the message below too
    messages.success(request, _("Your language is saved."))
    response = redirect("accounts:profile")
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


@login_required
@require_POST
def token_create_view(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name and a validity in days."))
        return redirect("accounts:profile")
    token, key = apitoken_create(user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"])
    return render(request, "accounts/profile.html", profile_context(request, new_key=key, new_token=token))


@login_required
@require_POST
def token_revoke_view(request, token_id):
    token = apitoken_get(user=request.user, token_id=token_id)
    if token is None:
        raise Http404(_("No such token."))
    apitoken_revoke(token=token)
    messages.success(request, _("The token %(name)s is revoked.") % {"name": token.name})
    return redirect("accounts:profile")


@csrf_exempt
@never_cache
def sso_complete(request, backend):
    """social-auth's callback, with refusals (bad state, foreign domain...) shown on the sign-in page.

    The savepoint makes sure a refusal leaves nothing behind.
    """
    try:
        with transaction.atomic():
            return social_complete(request, backend)
    except (SocialAuthBaseException, AppError) as exc:
        message = getattr(exc, "message", None) or str(exc) or _("Sign-in was refused.")
        log.warning(
            "single sign-on refused (%s): %s %s %s",
            backend,
            exc.__class__.__name__,
            getattr(exc, "code", ""),
            getattr(exc, "claim", None) or getattr(exc, "detail", ""),
        )
        messages.error(
            request, _("Sign-in with %(provider)s failed: %(reason)s") % {"provider": backend, "reason": message}
        )
        return redirect("accounts:login")
