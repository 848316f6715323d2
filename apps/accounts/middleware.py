"""Guards every page and the admin: blocked users are signed out with their reason, and a user who owes
the second factor reaches nothing but the code and enrollment pages and sign-out.

REST (`/api/`) and the legacy URLs (`/php/`) authenticate on their own (authentication.py and the
legacy shim) and answer in their own shapes, so they are left to those.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from apps.users.selectors import blocked_message

from .twofactor import second_factor_pending

EXEMPT_PREFIXES = ("/api/", "/php/", "/api.php", "/static/")
OPEN_WHILE_PENDING = ("accounts:logout", "accounts:twofactor-verify", "accounts:twofactor-setup", "accounts:login")


class AccountGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path_info.startswith(EXEMPT_PREFIXES):
            return self.get_response(request)
        if user.blocked or not user.is_active:
            message = blocked_message(user) if user.blocked else None
            logout(request)
            if message:
                messages.error(request, message)
            return redirect("accounts:login")
        if second_factor_pending(request):
            open_paths = {reverse(name) for name in OPEN_WHILE_PENDING}
            if request.path not in open_paths:
                return redirect(f"{reverse('accounts:twofactor-verify')}?next={request.get_full_path()}")
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in user's chosen language (profile) wins over the browser's, which LocaleMiddleware
    activated before the user was known; without a choice the browser's stays."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language and translation.check_for_language(language):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
