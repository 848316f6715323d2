"""The one REST exception handler: application errors become 4xx with a message, never a 500 page."""

import logging

from django.core.exceptions import ValidationError as ModelValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from apps.core.exceptions import AppError
from apps.core.faults import database_unavailable, database_unavailable_error, storage_full, storage_full_error

log = logging.getLogger(__name__)


def api_exception_handler(exc, context):
    # A lost database or a full disk in the middle of a request: a clear 503 / 507, the request's
    # transaction rolled back (never committed half-way, and never a traceback).
    if database_unavailable(exc):
        log.warning("database unavailable during %s: %s", context["request"].path, exc)
        exc = database_unavailable_error()
    elif storage_full(exc):
        log.warning("storage full during %s: %s", context["request"].path, exc)
        exc = storage_full_error(exc)
    if isinstance(exc, AppError):
        if exc.status >= 500:
            set_rollback()  # a fault (database lost, queue down, disk full): nothing of the request is kept
        headers = {"Retry-After": "1"} if exc.status == 429 else {"Retry-After": "5"} if exc.status == 503 else None
        return Response({"detail": exc.message, "code": exc.code}, status=exc.status, headers=headers)
    if isinstance(exc, ModelValidationError):
        return model_validation_response(exc)
    return exception_handler(exc, context)


def model_validation_response(exc):
    """A model's full_clean() refusing a write (raised in a service) is the client's 400, never a 500:
    `detail` says it in one sentence, and each field's messages stand under its name."""
    set_rollback()
    fields = exc.message_dict if hasattr(exc, "error_dict") else {}
    body = {"detail": " ".join(exc.messages), "code": "invalid"}
    body.update({name: messages for name, messages in fields.items() if name not in body})
    return Response(body, status=400)
