"""How a failure of a backing service is recognised, and the message a client gets for it.

The database restarting, the task queue (Redis) gone and the media disk full are faults an operator
expects, not bugs: each becomes a clear answer (REST 503/507 with a message, the legacy error shape)
instead of a traceback. See docs/operations.md.
"""

import errno

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from .exceptions import ServiceUnavailable, StorageFull

FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def database_unavailable(exc) -> bool:
    """A lost or refused database connection (a restart, a crash, too many clients), not a bad query."""
    return isinstance(exc, OperationalError | InterfaceError)


def database_unavailable_error() -> ServiceUnavailable:
    return ServiceUnavailable(
        _("The database is unavailable (restarting or unreachable); nothing was changed. Try again shortly."),
        code="database_unavailable",
    )


def storage_full(exc) -> bool:
    return isinstance(exc, OSError) and exc.errno in FULL_ERRNOS


def storage_full_error(exc=None, detail="") -> StorageFull:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else _("no space left")
    message = _("The server's storage is full (%(reason)s); nothing of this request was kept.") % {"reason": reason}
    return StorageFull(f"{message} {detail}".strip())


def queue_unavailable_error() -> ServiceUnavailable:
    return ServiceUnavailable(
        _(
            "Background work cannot be queued: the task queue (Redis) is unavailable. "
            "Nothing was saved; try again later."
        ),
        code="queue_unavailable",
    )
