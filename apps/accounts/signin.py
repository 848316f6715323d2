"""People's sign-in with a name and password: local account, then the tenant's LDAP, then the login hook.

Every path ends in `session_start`, which refuses blocked users with their reason; the second factor
is then owed before anything else is reachable (middleware.py).
"""

import logging

from django.contrib.auth import login
from django.contrib.auth.backends import ModelBackend
from django.utils.translation import gettext as _

from apps.core.exceptions import AppError
from apps.users.selectors import blocked_message, user_get_by_username
from apps.users.services import IdentityConflict

from .customlogin import HookRefused, custom_login_call, custom_login_user
from .ldapauth import LdapUnavailable, ldap_authenticate
from .selectors import authconfig_for_tenant
from .services import signin_failure_record, signin_success_record
from .throttle import login_lock_check

log = logging.getLogger("voipmon.auth")
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class SignInRefused(AppError):
    status = 401
    code = "sign_in_refused"


def client_address(request):
    return request.META.get("REMOTE_ADDR") or ""


def local_user(request, username, password):
    """(user or None, whether a local password exists): a local password is never bypassed by LDAP."""
    existing = user_get_by_username(username=username)
    has_local_password = existing is not None and bool(existing.password) and existing.has_usable_password()
    user = ModelBackend().authenticate(request, username=username, password=password)
    return user, has_local_password


def external_user(request, tenant, username, password):
    config = authconfig_for_tenant(tenant=tenant)
    notice = None
    try:
        user = ldap_authenticate(request=request, config=config, username=username, password=password)
    except LdapUnavailable:
        user = None
        notice = _("The directory (LDAP) server cannot be reached; only local accounts can sign in now.")
    if user is None and tenant is not None:
        result = custom_login_call(username, password)
        if result is not None:
            try:
                user = custom_login_user(tenant=tenant, username=username, result=result)
            except HookRefused:
                user = None
    return user, notice


def password_sign_in(*, request, tenant, username, password):
    """Identify the user or raise SignInRefused with a message for the page."""
    username = (username or "").strip()
    address = client_address(request)
    counters = login_lock_check(username=username, address=address)
    if not username or not password:
        raise SignInRefused(_("Enter your user name and password."))
    user, has_local_password = local_user(request, username, password)
    notice = None
    if user is None and not has_local_password:
        try:
            user, notice = external_user(request, tenant, username, password)
        except IdentityConflict as exc:
            signin_failure_record(username=username, address=address, interface="page")
            raise SignInRefused(exc.message) from None
    if user is None:
        signin_failure_record(username=username, address=address, interface="page")
        message = _("Wrong user name or password.")
        raise SignInRefused(f"{notice} {message}" if notice else message)
    session_start(request, user)
    signin_success_record(username=username, address=address, counters=counters)
    return user


def session_start(request, user, backend=MODEL_BACKEND):
    """Open the browser session: the one place that refuses blocked and inactive users."""
    if not user.is_active:
        raise SignInRefused(_("This account is disabled."))
    if user.blocked:
        log.warning("sign-in refused: user %r is blocked", user.username)
        raise SignInRefused(blocked_message(user))
    login(request, user, backend=backend)
    log.info("signed in: user=%r address=%s", user.username, client_address(request))
