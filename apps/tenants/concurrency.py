""" "API maximal concurrent connections": at most N API requests of a tenant in flight, across processes.

A tenant with a limit of N owns N slots; a request takes a free one after authentication and gives
it back when the view returns (`ApiSlotMiddleware`). No free slot: the request is refused at once.

On PostgreSQL a slot is a session-level advisory lock (`pg_try_advisory_lock`), so every server
process and machine sees it, and a process that dies gives its slots back with its connection: no
counter can leak. On SQLite (one machine by nature) a slot is an exclusive `flock` on a file under
VOIPMON_API_SLOT_DIR, which the kernel also releases when the process dies. docs/decisions.md.
"""

import fcntl
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from apps.core.exceptions import TooManyRequests

NAMESPACE = 0x564D  # "VM": keeps our advisory lock keys apart from anybody else's
MAX_SLOTS = 0xFFFF
SLOT_ATTR = "_voipmon_api_slot"


def lock_key(tenant_id, slot):
    return (NAMESPACE << 48) | ((int(tenant_id) & 0xFFFFFFFF) << 16) | slot


class AdvisorySlot:
    def __init__(self, key):
        self.key = key

    @classmethod
    def take(cls, tenant_id, limit):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s FROM generate_series(0, %s) AS s WHERE pg_try_advisory_lock(%s + s) LIMIT 1",
                [limit - 1, lock_key(tenant_id, 0)],
            )
            row = cursor.fetchone()
        return cls(lock_key(tenant_id, row[0])) if row else None

    def release(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [self.key])


class FileSlot:
    def __init__(self, handle):
        self.handle = handle

    @classmethod
    def take(cls, tenant_id, limit):
        folder = Path(settings.VOIPMON_API_SLOT_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        for slot in range(limit):
            handle = open(folder / f"tenant-{int(tenant_id)}-{slot}.lock", "a+b")
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            return cls(handle)
        return None

    def release(self):
        self.handle.close()  # closing the descriptor drops the lock


def slot_backend():
    return AdvisorySlot if connection.vendor == "postgresql" else FileSlot


def api_slot_acquire(*, request, user):
    """Take one of the user's tenant's API slots for this request, or refuse it (TooManyRequests)."""
    request = getattr(request, "_request", request)  # DRF wraps the Django request
    tenant = getattr(user, "tenant", None)
    limit = getattr(tenant, "api_max_concurrent_connections", None)
    if not limit or getattr(request, SLOT_ATTR, None) is not None:
        return
    slot = slot_backend().take(tenant.pk, min(int(limit), MAX_SLOTS))
    if slot is None:
        raise TooManyRequests(
            _("Too many concurrent API requests for this account (at most %(limit)s); try again shortly.")
            % {"limit": limit}
        )
    setattr(request, SLOT_ATTR, slot)


def api_slot_release(request):
    slot = getattr(request, SLOT_ATTR, None)
    if slot is not None:
        setattr(request, SLOT_ATTR, None)
        slot.release()
