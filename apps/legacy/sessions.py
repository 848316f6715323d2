"""Server-side sessions of the GUI's CDR HTTP API: `sql.php?module=bypass_login` and the PHPSESSID cookie.

A session authenticates sql.php, pcap.php, pcap2text.php, utilities.php and api.php. Sessions are
Django sessions (database-backed), so they hold across server processes; the body's `SID` is the
session key, and clients send it back as `Cookie: PHPSESSID=<SID>` (`PHPSESSID-<subdir>` when the
GUI is served under a sub-path such as `/demo`).
"""

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.utils.translation import gettext as _

from apps.accounts.services import password_authenticate
from apps.core.exceptions import AppError
from apps.tenants.concurrency import api_slot_acquire
from apps.users.actor import actor_for_user
from apps.users.selectors import user_get_active, user_refuse_if_blocked

SESSION_USER_KEY = "voipmon_legacy_user"
SESSION_HASH_KEY = "voipmon_legacy_hash"


class NoSession(AppError):
    status = 401
    code = "no_session"


def cookie_name(request):
    """`PHPSESSID`, or `PHPSESSID-<last part of the sub-path>` when served under one."""
    prefix = (request.META.get("SCRIPT_NAME") or settings.FORCE_SCRIPT_NAME or "").strip("/")
    return f"PHPSESSID-{prefix.rsplit('/', 1)[-1]}" if prefix else "PHPSESSID"


def session_login(*, request, username, password):
    """Check the local password and open a session. Returns (session key, cookie name)."""
    user = password_authenticate(username=username, password=password, address=request.META.get("REMOTE_ADDR"))
    store = SessionStore()
    store[SESSION_USER_KEY] = user.pk
    store[SESSION_HASH_KEY] = user.get_session_auth_hash()
    store.set_expiry(settings.VOIPMON_LEGACY_SESSION_SECONDS)
    store.create()
    return store.session_key, cookie_name(request)


def session_key_of(request, fields=None):
    return request.COOKIES.get(cookie_name(request)) or request.COOKIES.get("PHPSESSID") or (fields or {}).get("SID")


def session_actor(request, fields=None):
    """The actor of the request's legacy session; NoSession when it is missing, expired or revoked."""
    key = session_key_of(request, fields)
    if not key:
        raise NoSession(_("No session."))
    store = SessionStore(session_key=str(key))
    user_id = store.get(SESSION_USER_KEY)
    user = user_get_active(user_id=user_id) if user_id else None
    if user is None or store.get(SESSION_HASH_KEY) != user.get_session_auth_hash():
        raise NoSession(_("No session."))
    user_refuse_if_blocked(user)  # blocked users are told why, on every interface
    api_slot_acquire(request=request, user=user)
    return actor_for_user(user)


def session_logout(request, fields=None):
    key = session_key_of(request, fields)
    if key:
        SessionStore(session_key=str(key)).flush()  # Django's own logout: empty it and delete it
