"""`/php/model/sql.php`: the GUI's CDR HTTP API. `module` (and `task`) pick a handler from SQL_MODULES."""

from django.conf import settings
from django.utils.translation import gettext as _

from apps.core.exceptions import InvalidInput

from . import envelope
from .parsing import request_fields
from .registry import SQL_MODULES, sql_module  # noqa: F401  (sql_module: the registration decorator)
from .sessions import session_actor, session_login, session_logout
from .views import audit_note, legacy_safe


@legacy_safe
def sql_php(request):
    fields = request_fields(request)
    module = str(fields.get("module") or "")
    if module == "bypass_login":
        sid, name = session_login(
            request=request,
            username=str(fields.get("user") or ""),
            password=str(fields.get("pass") or fields.get("password") or ""),
        )
        response = envelope.json_response(
            {"SID": sid, "cookie_name": name, "success": True, "_vm_version": envelope.settings.VOIPMON_VERSION}
        )
        response.set_cookie(name, sid, httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response
    if module == "logout":
        session_logout(request, fields)
        return envelope.ok()
    entry = SQL_MODULES.get((module, str(fields.get("task") or ""))) or SQL_MODULES.get((module, None))
    if entry is None:
        raise InvalidInput(
            _("Unknown module or task: %(module)s %(task)s")
            % {"module": module or "-", "task": fields.get("task") or "-"}
        )
    handler, flag = entry
    actor = session_actor(request, fields)
    if flag:
        actor.require(flag)
    audit_note(actor, fields, f"sql.php {module} {fields.get('task') or ''}".strip())
    result = handler(request=request, actor=actor, fields=fields)
    return result if hasattr(result, "status_code") else envelope.ok(result)
