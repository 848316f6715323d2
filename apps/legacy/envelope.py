"""The legacy response shape, produced in this one place.

Clients branch on the body, not the status: errors are HTTP 200 with `success: false` and the text
under both `errors.reason` and `error`, because different clients read different keys.
"""

import orjson
from django.conf import settings
from django.http import HttpResponse

JSON = "application/json; charset=utf-8"


def json_response(body):
    return HttpResponse(orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS), content_type=JSON)


def ok(payload=None):
    return json_response({"success": True, **(payload or {}), "_vm_version": settings.VOIPMON_VERSION})


def error(message):
    message = str(message)
    return json_response(
        {"success": False, "errors": {"reason": message}, "error": message, "_vm_version": settings.VOIPMON_VERSION}
    )


def no_session():
    return json_response({"success": False, "error": {"type": "no_session"}, "_vm_version": settings.VOIPMON_VERSION})
