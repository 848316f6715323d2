"""Reads of live state: active calls (database rows, fresh figures from Redis when configured)."""

import datetime as dt
from dataclasses import replace

import orjson
from django.conf import settings
from django.utils import timezone

from apps.capture.models import CaptureSettings
from apps.core.actor import Restrictions, system_actor
from apps.core.exceptions import NotFound
from apps.sensors.models import Sensor

from . import livestore
from .models import ActiveCall, ActiveCallCommand, CallPause, HepListenerStatus


def _fresh_after():
    return timezone.now() - dt.timedelta(seconds=settings.VOIPMON_LIVE_STALE_SECONDS)


def active_call_queryset(*, actor, id_sensor=None, callid=None, callref=None):
    queryset = ActiveCall.objects.visible_to(actor)
    if id_sensor is not None:
        queryset = queryset.filter(id_sensor=id_sensor)
    if callid:
        queryset = queryset.filter(callid=callid)
    if callref:
        queryset = queryset.filter(callref=callref)
    return queryset


def active_call_list(*, actor, id_sensor=None, callid=None, callref=None):
    """The actor's active calls as listcalls rows (dicts), oldest first; rows of a listener that
    stopped refreshing them are not shown."""
    rows = list(
        active_call_queryset(actor=actor, id_sensor=id_sensor, callid=callid, callref=callref).values(
            "tenant_id", "id_sensor", "callref", "state", "updated_at", "calldate"
        )
    )
    store = livestore.redis_store()
    out = []
    if store is not None:
        fresh = store.states([(r["tenant_id"], r["id_sensor"], r["callref"]) for r in rows])
        for row, state in zip(rows, fresh, strict=True):
            if state is not None:
                out.append(dict(orjson.loads(state), id_sensor=row["id_sensor"]))
        return out
    limit = _fresh_after()
    return [dict(r["state"], id_sensor=r["id_sensor"]) for r in rows if r["updated_at"] >= limit]


def active_call_get(*, actor, callref, id_sensor=None):
    rows = active_call_list(actor=actor, id_sensor=id_sensor, callref=callref)
    if not rows:
        raise NotFound("Call id not found")
    return rows[0]


def live_concurrency(*, actor):
    """Calls of the actor's tenant in progress now. The plan is the tenant's, so the user's sensor and
    number restrictions do not apply (as in cdr_peak_concurrency)."""
    tenant_wide = replace(actor, sensor_ids=None, restrictions=Restrictions())
    return len(active_call_list(actor=tenant_wide))


def active_call_commands_pending(*, after_id):
    """Commands not applied yet, for the listener (which acts for every tenant)."""
    return list(
        ActiveCallCommand.objects.filter(id__gt=after_id, applied_at__isnull=True)
        .order_by("id")
        .values("id", "tenant_id", "id_sensor", "callref", "command")
    )


def call_pauses(*, actor, cdr_id):
    return list(CallPause.objects.visible_to(actor).filter(cdr_id=cdr_id).values_list("started_at", "ended_at"))


def capture_settings_of(*, tenant):
    """(custom header names, match header) of a tenant's capture settings."""
    config = CaptureSettings.objects.visible_to(system_actor(tenant)).first()
    if config is None:
        return (), None
    return config.header_names(), (config.match_header or None)


def sensor_external_list(*, actor, id_sensor=None):
    """The actor's sensors that are external VoIPmonitor sniffers (manager port, no HEP)."""
    queryset = Sensor.objects.visible_to(actor).exclude(manager_host="").filter(hep_agent_id__isnull=True)
    if id_sensor is not None:
        queryset = queryset.filter(id_sensor=id_sensor)
    return list(queryset)


def listener_status_list():
    return list(HepListenerStatus.objects.all())


def active_call_commands_waiting(*, actor, callrefs):
    """{callref: command} of the commands on these (visible) calls that the listener has not applied yet:
    the page shows "pause requested" until the call's own state says paused."""
    waiting = (
        ActiveCallCommand.objects.visible_to(actor)
        .filter(callref__in=list(callrefs), applied_at__isnull=True)
        .order_by("created_at", "id")
        .values_list("callref", "command")
    )
    return dict(waiting)
