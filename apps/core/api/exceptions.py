"""The one REST exception handler: application errors become 4xx with a message, never a 500 page."""

import logging

from django.core.exceptions import ValidationError as ModelValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from apps.core.exceptions import AppError

log = logging.getLogger(__name__)


def api_exception_handler(exc, context):
    if isinstance(exc, AppError):
        headers = {"Retry-After": "1"} if exc.status == 429 else None
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
