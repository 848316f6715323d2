"""The last resort for an exception no view turned into an answer (one raised in a middleware, such as
the session lookup while the database restarts).

A lost database becomes 503 with a message in the shape of the URL's API: JSON `detail`/`code` under
/api/, the legacy envelope under the legacy URLs, a short text page elsewhere. Anything else keeps
Django's plain 500 page (never a traceback: DEBUG is off in production).
"""

import sys

from django.http import HttpResponse, JsonResponse
from django.views.defaults import server_error as django_server_error

from apps.core.faults import database_unavailable, database_unavailable_error

LEGACY_PREFIXES = ("/php/", "/api.php")


def server_error(request, *args, **kwargs):
    exc = sys.exc_info()[1]
    if not database_unavailable(exc):
        return django_server_error(request, *args, **kwargs)
    error = database_unavailable_error()
    path = request.path_info
    if path.startswith("/api/"):
        response = JsonResponse({"detail": error.message, "code": error.code}, status=503)
    elif path.startswith(LEGACY_PREFIXES):
        from apps.legacy import envelope

        response = envelope.error(error.message)
    else:
        response = HttpResponse(error.message, content_type="text/plain; charset=utf-8", status=503)
    response["Retry-After"] = "5"
    return response
