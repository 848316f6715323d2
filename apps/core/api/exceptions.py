"""The one REST exception handler: application errors become 4xx with a message, never a 500 page."""

import logging

from rest_framework.response import Response
from rest_framework.views import exception_handler

from apps.core.exceptions import AppError

log = logging.getLogger(__name__)


def api_exception_handler(exc, context):
    if isinstance(exc, AppError):
        headers = {"Retry-After": "1"} if exc.status == 429 else None
        return Response({"detail": exc.message, "code": exc.code}, status=exc.status, headers=headers)
    return exception_handler(exc, context)
