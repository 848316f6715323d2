"""Who asks: built once per request after authentication, rebuilt from ids in tasks and commands.

The Actor and its Restrictions live here; building one from a user is `apps.users.actor`
(core imports no other app).

Every access function takes the actor explicitly (Zulip style); services take the tenant from it,
never from input.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .capabilities import CAPABILITY_FLAGS
from .exceptions import Forbidden


@dataclass(frozen=True)
class Restrictions:
    """A user's number / domain / IP / VLAN rules; empty tuples mean no rule of that kind."""

    numbers: tuple = ()
    domains: tuple = ()
    ips: tuple = ()
    vlans: tuple = ()
    both_sides: bool = False

    def __bool__(self):
        return bool(self.numbers or self.domains or self.ips or self.vlans)


@dataclass(frozen=True)
class Actor:
    tenant_id: int | None
    user_id: int | None = None
    username: str = ""
    is_admin: bool = False
    is_superuser: bool = False
    flags: frozenset = field(default_factory=frozenset)
    sensor_ids: tuple | None = None  # None: every sensor of the tenant
    restrictions: Restrictions = field(default_factory=Restrictions)
    custom_headers: tuple | None = None  # None: every custom header
    timezone: str = "UTC"

    def can(self, flag):
        if flag not in CAPABILITY_FLAGS:
            raise ValueError(f"unknown capability flag {flag!r}")
        return flag in self.flags

    def require(self, flag):
        if not self.can(flag):
            raise Forbidden(_("Permission denied: %(flag)s is required.") % {"flag": flag})

    def require_admin(self):
        if not (self.is_admin or self.is_superuser):
            raise Forbidden(_("Permission denied: tenant administrators only."))


def system_actor(tenant):
    """An actor with every capability inside one tenant: for imports, seeding and commands."""
    return Actor(
        tenant_id=tenant.pk,
        username="system",
        is_admin=True,
        flags=frozenset(CAPABILITY_FLAGS) - {"no_rtp", "simple_cdr", "hide_cdr_groups"},
        timezone=tenant.timezone,
    )
