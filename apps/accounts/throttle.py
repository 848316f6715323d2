"""Failed sign-ins: a lock that protects a password without letting anyone lock its owner out.

Three counters, in the database (models.SignInCounter), so neither a cache eviction nor a restart
resets them:

- per (name, address) pair: `VOIPMON_LOGIN_MAX_FAILURES_PER_PAIR` failures lock that pair for
  `VOIPMON_LOGIN_LOCK_SECONDS`. Guessing from one address stops; the owner elsewhere is not touched.
- per address: `VOIPMON_LOGIN_MAX_FAILURES_PER_ADDRESS` failures, whatever the names, lock the address
  (an IPv6 address counts as its /64, which one attacker holds whole).
- per name: beyond `VOIPMON_LOGIN_SLOW_AFTER_FAILURES_PER_USER` failures from anywhere (a distributed
  guess), each further failure makes the name wait 1, 2, 4 ... seconds, at most
  `VOIPMON_LOGIN_MAX_DELAY_SECONDS`, before the next try: guessing slows to a crawl, nobody is locked.

An address that signed in as a name lately (`VOIPMON_LOGIN_KNOWN_ADDRESS_DAYS`) is "known" for that
name: only its own pair lock applies to it, so scripts and people at their usual address keep working
while the name is under attack. API tokens and open sessions never pass through here. Shared by the
sign-in page (and so the admin), the 2FA pages, the REST token endpoint and the legacy API's password
check. A lock is refused before the password is checked, so the right password does not end it early.
"""

import datetime as dt
import hashlib
import ipaddress
import logging
import math

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.exceptions import NotAuthenticated

log = logging.getLogger("voipmon.auth")


class LoginLocked(NotAuthenticated):
    """Too many failures: REST answers 429 with Retry-After, the legacy API its error shape."""

    status = 429
    code = "locked"

    def __init__(self, retry_after):
        self.retry_after = max(1, math.ceil(retry_after))
        if self.retry_after >= 120:
            wait = _("%(minutes)s minutes") % {"minutes": math.ceil(self.retry_after / 60)}
        else:
            wait = _("%(seconds)s seconds") % {"seconds": self.retry_after}
        super().__init__(_("Too many failed sign-ins. Try again in %(wait)s.") % {"wait": wait})


def address_block(address):
    """The unit an address counts as: itself for IPv4, its /64 for IPv6, the text when it is not an address."""
    try:
        ip = ipaddress.ip_address(str(address).strip())
    except ValueError:
        return str(address or "").strip().lower()
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def digest(*parts):
    return hashlib.sha256("\0".join(str(p).strip().lower() for p in parts).encode()).hexdigest()


def counter_keys(*, username, address):
    """{kind: key} of the counters a sign-in attempt touches (no address: the name's only)."""
    keys = {"user": digest(username)}
    if address:
        block = address_block(address)
        keys["pair"] = digest(username, block)
        keys["addr"] = digest(block)
    return keys


def limits():
    return {
        "pair": settings.VOIPMON_LOGIN_MAX_FAILURES_PER_PAIR,
        "addr": settings.VOIPMON_LOGIN_MAX_FAILURES_PER_ADDRESS,
        "user": settings.VOIPMON_LOGIN_SLOW_AFTER_FAILURES_PER_USER,
    }


def window(kind):
    """How long failures of a kind add up before the count starts again."""
    if kind == "user":
        return dt.timedelta(seconds=settings.VOIPMON_LOGIN_USER_WINDOW_SECONDS)
    return dt.timedelta(seconds=settings.VOIPMON_LOGIN_LOCK_SECONDS)


def block_after(kind, failures, now):
    """When a counter that has just reached `failures` blocks until, or None."""
    limit = limits()[kind]
    if failures < limit:
        return None
    if kind == "user":
        delay = min(2 ** min(failures - limit, 30), settings.VOIPMON_LOGIN_MAX_DELAY_SECONDS)
        return now + dt.timedelta(seconds=delay)
    return now + dt.timedelta(seconds=settings.VOIPMON_LOGIN_LOCK_SECONDS)


def is_known(pair, now):
    """The pair signed in lately: only its own lock applies to it."""
    if pair is None or pair.last_success_at is None:
        return False
    return now - pair.last_success_at <= dt.timedelta(days=settings.VOIPMON_LOGIN_KNOWN_ADDRESS_DAYS)


def login_lock_check(*, username, address=None):
    """Raise LoginLocked when this name from this address must wait; returns the counters read."""
    from .selectors import signin_counters

    now = timezone.now()
    counters = signin_counters(keys=counter_keys(username=username, address=address))
    applicable = ("pair",) if is_known(counters.get("pair"), now) else ("pair", "addr", "user")
    waits = [
        (counters[kind].blocked_until - now).total_seconds()
        for kind in applicable
        if kind in counters and counters[kind].blocked_until and counters[kind].blocked_until > now
    ]
    if waits:
        raise LoginLocked(max(waits))
    return counters
