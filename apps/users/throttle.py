"""Sign-in throttling: repeated failures for one user name or one address lock sign-in for a while.

Shared by the sign-in page, the admin (which signs in through that page), the REST token exchange and
the legacy API's password check. Counters live in the cache (Redis in production), so they hold across
processes. A correct password does not unlock a locked name: the lock simply runs out.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from apps.core.exceptions import NotAuthenticated

log = logging.getLogger("voipmon.auth")


class LoginLocked(NotAuthenticated):
    status = 429
    code = "locked"


def _key(kind, value):
    digest = hashlib.sha256(str(value).lower().encode()).hexdigest()[:32]
    return f"voipmon:loginfail:{kind}:{digest}"


def _limits():
    return (
        ("user", settings.VOIPMON_LOGIN_MAX_FAILURES_PER_USER),
        ("addr", settings.VOIPMON_LOGIN_MAX_FAILURES_PER_ADDRESS),
    )


def login_lock_check(*, username, address=None):
    """Raise LoginLocked when the name or the address has failed too often lately."""
    values = {"user": username, "addr": address}
    for kind, limit in _limits():
        if values[kind] and (cache.get(_key(kind, values[kind])) or 0) >= limit:
            minutes = max(1, settings.VOIPMON_LOGIN_LOCK_SECONDS // 60)
            raise LoginLocked(_("Too many failed sign-ins. Try again in %(minutes)s minutes.") % {"minutes": minutes})


def login_failure_record(*, username, address=None, interface):
    """Count a failure (never the password) and log it; the window is the lock time."""
    log.warning("sign-in failed: user=%r address=%s interface=%s", username, address or "-", interface)
    values = {"user": username, "addr": address}
    for kind, limit in _limits():
        if not values[kind]:
            continue
        key = _key(kind, values[kind])
        cache.add(key, 0, settings.VOIPMON_LOGIN_LOCK_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, settings.VOIPMON_LOGIN_LOCK_SECONDS)
            count = 1
        if count == limit:
            log.warning("sign-in locked: %s=%r for %ss", kind, values[kind], settings.VOIPMON_LOGIN_LOCK_SECONDS)


def login_success_record(*, username):
    cache.delete(_key("user", username))
