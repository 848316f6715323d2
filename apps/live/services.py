"""Every write of live capture: calls that ended, the active-call table, commands and counters."""

import datetime as dt

import orjson
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.capture.services import call_store, calls_store
from apps.core.actor import Actor
from apps.core.exceptions import AppError, InvalidInput, NotFound

from . import livestore
from .manager import ManagerError, listcalls_parse, manager_command
from .models import ActiveCall, ActiveCallCommand, CallPause, HepListenerStatus
from .selectors import active_call_queryset, sensor_external_list

SCOPE_KEYS = ("caller", "called", "callerdomain", "calleddomain", "callerip", "calledip", "vlan")


def _utc(ts):
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC)


def live_call_store(*, tenant, id_sensor, closed):
    """Store a call the listener closed, exactly as an import stores it, with its pause spans."""
    with transaction.atomic():
        cdr = call_store(tenant=tenant, id_sensor=id_sensor, call=closed.data)
        if cdr is not None and closed.pauses:
            CallPause.objects.bulk_create(
                CallPause(tenant=tenant, cdr=cdr, started_at=_utc(start), ended_at=_utc(end))
                for start, end in closed.pauses
            )
    return cdr


def live_calls_store(*, tenant, id_sensor, closed):
    """Store calls the listener closed together, in one transaction (``calls_store``), with their pause
    spans. Returns one Cdr or None per call."""
    with transaction.atomic():
        cdrs = calls_store(tenant=tenant, id_sensor=id_sensor, calls=[c.data for c in closed])
        CallPause.objects.bulk_create(
            CallPause(tenant=tenant, cdr=cdr, started_at=_utc(start), ended_at=_utc(end))
            for cdr, c in zip(cdrs, closed, strict=True)
            if cdr is not None
            for start, end in c.pauses
        )
    return cdrs


def _scope(row):
    return {
        "caller": row["caller"][:255],
        "called": row["called"][:255],
        "caller_domain": row["callerdomain"][:255],
        "called_domain": row["calleddomain"][:255],
        "sipcallerip": row["callerip"],
        "sipcalledip": row["calledip"],
        "vlan": row["vlan"],
    }


def active_calls_publish(*, tenant_id, id_sensor, rows, previous, replace=False):
    """Publish one sensor's active calls. ``previous`` is what the last call returned ({callref: scope}).

    Without Redis every row is rewritten (one DELETE and one multi-row INSERT in a transaction, far
    cheaper than per-row updates; readers see the old set or the new one). With Redis the figures go
    there and only rows of calls that started, ended or changed parties touch the database."""
    now = timezone.now()
    store = livestore.redis_store()
    current = {row["callreference"]: tuple(row[k] for k in SCOPE_KEYS) for row in rows}
    if store is None or replace:
        stale, fresh = None, rows
    else:
        stale = [ref for ref, scope in previous.items() if current.get(ref) != scope]
        fresh = [row for row in rows if previous.get(row["callreference"]) != current[row["callreference"]]]
    with transaction.atomic():
        existing = ActiveCall.objects.visible_to(Actor(tenant_id=tenant_id)).filter(id_sensor=id_sensor)
        if stale is None:
            existing.delete()
        elif stale:
            existing.filter(callref__in=stale).delete()
        ActiveCall.objects.bulk_create(
            ActiveCall(
                tenant_id=tenant_id,
                id_sensor=id_sensor,
                callref=row["callreference"],
                callid=row["callid"][:255],
                calldate=_utc(row["calldate"]),
                state=row,
                updated_at=now,
                **_scope(row),
            )
            for row in fresh
        )
    if store is not None:
        states = {row["callreference"]: orjson.dumps(row) for row in rows}
        store.publish(tenant_id, id_sensor, states, settings.VOIPMON_LIVE_STALE_SECONDS)
    return current


def active_calls_clear(*, sensors):
    """Forget the active calls of these (tenant id, id_sensor) pairs (a listener starting or stopping)."""
    store = livestore.redis_store()
    for tenant_id, id_sensor in sensors:
        ActiveCall.objects.visible_to(Actor(tenant_id=tenant_id)).filter(id_sensor=id_sensor).delete()
        if store is not None:
            store.publish(tenant_id, id_sensor, {}, 1)


def active_call_command(*, actor, id_sensor, callref, command):
    """Queue pausecall / unpausecall on a visible active call; the row is also the audit entry.

    Repeating a command is harmless (pausing a paused call changes nothing). An unknown call, or one
    the actor may not see, is "Call id not found", as the sniffer answers."""
    actor.require("can_activecalls")
    if command not in (ActiveCallCommand.PAUSE, ActiveCallCommand.UNPAUSE):
        raise InvalidInput(_("command must be pausecall or unpausecall."))
    external = sensor_external_list(actor=actor, id_sensor=id_sensor)
    if external:
        external_active_calls_refresh(actor=actor, id_sensor=id_sensor)
    call = active_call_queryset(actor=actor, id_sensor=id_sensor, callref=callref).first()
    if call is None:
        raise NotFound("Call id not found")
    sensor = next((s for s in external if s.id_sensor == call.id_sensor), None)
    applied_at, result = None, ""
    if sensor is not None:  # an external sniffer applies it now, through its manager port
        reply = _manager(sensor, f"{command} {call.callref}")
        if reply:
            raise NotFound(reply) if "not found" in reply.lower() else InvalidInput(reply)
        applied_at, result = timezone.now(), "ok"
    return ActiveCallCommand.objects.create(
        tenant_id=actor.tenant_id,
        id_sensor=call.id_sensor,
        callref=call.callref,
        callid=call.callid,
        command=command,
        user_id=actor.user_id,
        applied_at=applied_at,
        result=result,
    )


def _manager(sensor, command):
    try:
        return manager_command(
            sensor.manager_host,
            sensor.manager_port or 5029,
            command,
            aes_key=sensor.manager_aes_key or None,
            aes_iv=sensor.manager_aes_iv or None,
        )
    except ManagerError as exc:
        raise AppError(
            _("The sniffer of sensor %(id)s did not answer: %(error)s") % {"id": sensor.id_sensor, "error": exc},
            code="sniffer_unreachable",
            status=502,
        ) from None


def external_active_calls_refresh(*, actor, id_sensor=None):
    """Read the calls in progress of the actor's external sniffers (manager port ``listcalls``) into the
    active-call table, so the usual scoping applies to them as to our own."""
    for sensor in sensor_external_list(actor=actor, id_sensor=id_sensor):
        try:
            states = listcalls_parse(_manager(sensor, "listcalls"), sensor.timezone)
        except ManagerError as exc:
            raise AppError(
                _("The sniffer of sensor %(id)s did not answer: %(error)s") % {"id": sensor.id_sensor, "error": exc},
                code="sniffer_unreachable",
                status=502,
            ) from None
        active_calls_publish(
            tenant_id=sensor.tenant_id, id_sensor=sensor.id_sensor, rows=states, previous={}, replace=True
        )


def active_call_command_done(*, command_id, result):
    ActiveCallCommand.objects.filter(pk=command_id).update(applied_at=timezone.now(), result=str(result)[:100])


def listener_status_save(*, name, started_at, packets, drops, active_calls, kernel_drops):
    HepListenerStatus.objects.update_or_create(
        name=name,
        defaults={
            "started_at": started_at,
            "updated_at": timezone.now(),
            "packets": packets,
            "drops": drops,
            "active_calls": active_calls,
            "kernel_drops": kernel_drops,
        },
    )
