"""One view per legacy URL. Each answers in the legacy shape whatever happens: never a 500."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from apps.core.exceptions import AppError, InvalidInput
from apps.core.faults import database_unavailable, database_unavailable_error, storage_full, storage_full_error
from apps.core.services import audit_record

from . import envelope, handlers  # noqa: F401  (importing handlers registers the tasks)
from .auth import legacy_actor
from .parsing import parse_params, request_fields
from .registry import TASKS
from .sessions import NoSession

log = logging.getLogger(__name__)


def legacy_safe(view):
    """Turn any failure into the legacy error shape; an unexpected one is logged, never shown."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NoSession:
            return envelope.no_session()
        except AppError as exc:
            return envelope.error(exc.message)
        except ValidationError as exc:  # a model refusing a write: the client's error, in the legacy shape
            return envelope.error(" ".join(exc.messages))
        except Exception as exc:
            # the database restarting or the disk full: the operator's fault message, not "Internal error"
            if database_unavailable(exc):
                log.warning("legacy request failed, database unavailable: %s: %s", request.path, exc)
                return envelope.error(database_unavailable_error().message)
            if storage_full(exc):
                log.warning("legacy request failed, storage full: %s: %s", request.path, exc)
                return envelope.error(storage_full_error(exc).message)
            log.exception("legacy request failed: %s", request.path)
            return envelope.error(_("Internal error; the administrator can find it in the server log."))

    wrapped.__name__ = view.__name__
    return csrf_exempt(transaction.non_atomic_requests(wrapped))


def audit_note(actor, fields, task):
    """`auditReason` may accompany any task (top level or inside params): record it in the audit log."""
    reason = fields.get("auditReason")
    if reason not in (None, ""):
        audit_record(actor=actor, task=task, reason=reason if isinstance(reason, str) else str(reason))


@legacy_safe
def api_php(request):
    fields = request_fields(request)
    name = fields.get("task")
    if not name:
        raise InvalidInput(_("task parameter missing"))
    task = TASKS.get(str(name))
    if task is None:
        raise InvalidInput(_("Unknown task: %(task)s") % {"task": name})
    actor = legacy_actor(request, fields, host_auth=True)
    if task.flag:
        actor.require(task.flag)
    params = parse_params(fields.get("params"))
    audit_note(actor, {**(params if isinstance(params, dict) else {}), **fields}, task.name)
    extra = {"request": request} if task.wants_request else {}
    result = task.handler(actor=actor, params=params, fields=fields, **extra)
    return result if hasattr(result, "status_code") else envelope.ok(result)


@legacy_safe
def api_php_wrong_path(request):
    raise InvalidInput(_("action parameter missing: the API lives at /php/api.php, not /api.php"))
