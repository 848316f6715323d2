"""REST authentication: the session (only once its second factor passed) and per-user API tokens."""

from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from apps.users.selectors import blocked_message

from .selectors import apitoken_find
from .services import apitoken_touch
from .twofactor import second_factor_pending


class VerifiedSessionAuthentication(SessionAuthentication):
    """A browser session; refused while the user is blocked or still owes the second factor."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if user.blocked:
            raise AuthenticationFailed(blocked_message(user))
        if second_factor_pending(request._request):
            raise AuthenticationFailed(_("Two-factor authentication is required: finish signing in first."))
        return result


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <key>` (or `Bearer <key>`) with a key from the profile page or auth/token/."""

    keywords = (b"token", b"bearer")

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Invalid token header."))
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise AuthenticationFailed(_("Invalid token."))
        token = apitoken_find(key=key)
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        if token.revoked_at is not None:
            raise AuthenticationFailed(_("This token was revoked."))
        if token.is_expired:
            raise AuthenticationFailed(_("This token has expired."))
        user = token.user
        if not user.is_active:
            raise AuthenticationFailed(_("This account is disabled."))
        if user.blocked:
            raise AuthenticationFailed(blocked_message(user))
        apitoken_touch(token=token)
        return user, token

    def authenticate_header(self, request):
        return "Token"
