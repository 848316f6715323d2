"""listActiveCalls and handleActiveCall: the same selectors and services as /api/v1/active-calls/."""

from django.utils.translation import gettext as _

from apps.core.exceptions import InvalidInput
from apps.live.rows import listcalls_row
from apps.live.selectors import active_call_list
from apps.live.services import active_call_command, external_active_calls_refresh

from ..registry import legacy_task


def _sensor(params, required=False):
    value = params.get("sensorId")
    if value in (None, ""):
        if required:
            raise InvalidInput(_("sensorId is required."))
        return None
    try:
        return int(str(value))
    except ValueError:
        raise InvalidInput(_("sensorId must be a number, not %(value)s.") % {"value": value}) from None


def _params(params, allowed):
    if isinstance(params, list):
        raise InvalidInput(_("This task takes one query."))
    unknown = sorted(set(params) - set(allowed) - {"auditReason"})
    if unknown:
        raise InvalidInput(_("Unknown parameter: %(names)s") % {"names": ", ".join(unknown)})
    return params


@legacy_task("listActiveCalls", flag="can_activecalls")
def list_active_calls(*, actor, params, fields):
    params = _params(params, ("sensorId", "callId"))
    callid = params.get("callId")
    id_sensor = _sensor(params)
    external_active_calls_refresh(actor=actor, id_sensor=id_sensor)  # external sniffers: their listcalls
    rows = active_call_list(actor=actor, id_sensor=id_sensor, callid=str(callid) if callid else None)
    return {"total": len(rows), "rows": [listcalls_row(row, actor.timezone) for row in rows]}


@legacy_task("handleActiveCall", flag="can_activecalls")
def handle_active_call(*, actor, params, fields):
    params = _params(params, ("sensorId", "command", "callRef"))
    callref = str(params.get("callRef") or "").strip()
    if not callref:
        raise InvalidInput("Bad/missing Call id")
    active_call_command(
        actor=actor,
        id_sensor=_sensor(params, required=True),
        callref=callref.lower(),
        command=str(params.get("command") or ""),
    )
    return {}
