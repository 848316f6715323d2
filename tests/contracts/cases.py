"""The contract table: one case per REST endpoint and per legacy task / sql.php module.

ADDING AN ENDPOINT OR A TASK? Add its case here; `test_every_*_has_a_case` fails and names it until
you do. A case says what the endpoint needs and gives a sample request:

- `flag`: the capability it needs (legacy: taken from the registry, a case may not contradict it);
  "admin" for tenant administrators only; None for any signed-in user (then say why in `note`).
- `obj`: the kind of object in the URL / params (a key of OBJECT_MAKERS); the contract then checks
  that tenant B's object is 404 (legacy: an error) and, for calls and sensors, that the restricted
  user cannot reach one outside the restriction.
- `seen`: reads the ids of the calls (or sensors, `seen_kind`) in an answer; the contract then checks
  that the restricted user sees only what the restriction allows, and never tenant B's.
- `allowed`: what counts as "the flag holder got through" (default: 2xx / legacy success). Media
  endpoints on calls without files answer one of the named "not available" outcomes (NOT_AVAILABLE,
  LEGACY_NOT_AVAILABLE), never a 5xx or "Internal error".

WRITES. Every method an endpoint serves needs a case: `REST_CASES[name]` covers its `method`, and
`REST_WRITE_CASES[(name, method)]` each further one (POST / PUT / PATCH / DELETE). Every write, whichever
table holds it, is also checked to be refused *without changing the database*: 403 for a user without
the flag / admin right (with the sample body and with an empty one: refused before the body is read),
404 for tenant B's object (`obj`), and `foreign` (world -> a body naming tenant B's object) refused.
`data` is a body the flag holder's write succeeds with; `format` is "json" or "multipart".
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from tests.conftest import PASSWORD


@dataclass(frozen=True)
class RestCase:
    flag: str | None
    method: str = "get"
    obj: str | None = None
    data: Callable | None = None
    query: dict | None = None
    seen: Callable | None = None
    seen_kind: str = "call"
    allowed: Callable | None = None
    public: str = ""
    note: str = ""
    format: str = "json"
    foreign: Callable | None = None


@dataclass(frozen=True)
class LegacyCase:
    params: Callable  # world -> the sample request's params (api.php) or fields (sql.php)
    obj: str | None = None
    seen: Callable | None = None
    allowed: Callable | None = None
    flag: str | None = None  # optional: must equal the registry's flag when given
    note: str = ""


def results_ids(response):
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row["id"] for row in rows}


# The named "not available" outcomes of a media or export endpoint, as (status, code): the call has no
# stored file, no audio of the kind asked, or the export is not ready / failed / expired. Anything else
# (a 5xx, a 400, a 404 "not found") is not "got through".
NOT_AVAILABLE = {
    (404, "file_missing"),
    (422, "media_unavailable"),
    (409, "not_ready"),
    (409, "failed"),
    (410, "expired"),
}


def reached(response):
    """Got past authentication, the flag and the object lookup: a 2xx, or one of the named outcomes above."""
    if 200 <= response.status_code < 300:
        return True
    if "json" not in response.get("Content-Type", ""):
        return False
    return (response.status_code, response.json().get("code")) in NOT_AVAILABLE


def ok_2xx(response):
    return 200 <= response.status_code < 300


def user_pk(world, key):
    return world.restricted.pk if key == "a" else world.extra.setdefault("user_b", make_user_b(world)).pk


def make_user_b(world):
    from apps.users.services import user_create

    return user_create(username="bert", tenant=world.tenant_b, password=PASSWORD, is_admin=True)


def make_group(world, key):
    from apps.users.models import UserGroup

    tenant = world.tenant_a if key == "a" else world.tenant_b
    return UserGroup.objects.get_or_create(tenant=tenant, name=f"contract-{key}")[0].pk


def pcap_upload(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    header = bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000")  # an empty classic pcap
    return {"file": SimpleUploadedFile("t.pcap", header, "application/vnd.tcpdump.pcap"), "id_sensor": 1}


def make_capture(world, key):
    from apps.capture.models import CaptureUpload

    tenant = world.tenant_a if key == "a" else world.tenant_b
    return CaptureUpload.objects.create(tenant=tenant, id_sensor=1, original_name="t.pcap", stored_name="t.pcap").pk


def make_export(world, key):
    from apps.media.models import ExportJob

    tenant = world.tenant_a if key == "a" else world.tenant_b
    call = world.calls["inside" if key == "a" else "foreign"]
    return ExportJob.objects.create(tenant=tenant, created_by=world.admin_a, kind="pcap", cdr_ids=[call.pk]).pk


def active_ref(world, key):
    from tests.contracts.world import active_call_ref

    return active_call_ref(world.calls[{"a": "inside", "b": "foreign"}.get(key, key)])


def active_seen(body):
    """The world calls whose live twins an active-call answer lists (their Call-IDs are unique)."""
    from apps.cdr.models import Cdr

    rows = body.get("rows", []) if isinstance(body, dict) else body
    return set(Cdr.objects.filter(callid__in=[row["callid"] for row in rows]).values_list("pk", flat=True))


def active_seen_response(response):
    return active_seen(response.json())


def make_share(world, key):
    """A share link of tenant A's administrator (key "a") or of tenant B (key "b")."""
    from apps.sharing.services import share_link_create
    from apps.users.actor import actor_for_user

    if key == "a":
        actor, call = actor_for_user(world.admin_a), world.calls["inside"]
    else:
        actor, call = actor_for_user(world.extra.setdefault("user_b", make_user_b(world))), world.calls["foreign"]
    return share_link_create(actor=actor, cdr_id=call.pk)[0].pk


def make_report(world, key):
    from apps.reports.models import ReportDefinition

    tenant = world.tenant_a if key == "a" else world.tenant_b
    return ReportDefinition.objects.get_or_create(tenant=tenant, description=f"contract-{key}")[0].pk


def make_schedule(world, key):
    from apps.reports.models import ReportSchedule

    tenant = world.tenant_a if key == "a" else world.tenant_b
    report_id = make_report(world, key)
    return ReportSchedule.objects.get_or_create(tenant=tenant, report_id=report_id, recipients=["noc@example.com"])[
        0
    ].pk


def make_run(world, key):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from apps.reports.models import ReportRun

    tenant = world.tenant_a if key == "a" else world.tenant_b
    name = default_storage.save(f"reports/contract-{key}.png", ContentFile(b"\x89PNG\r\n\x1a\n"))
    return ReportRun.objects.get_or_create(
        key=f"contract-{key}",
        defaults={"tenant": tenant, "report_id": make_report(world, key), "files": {"png": name},
                  "period_start": "2024-03-05T00:00:00Z", "period_end": "2024-03-06T00:00:00Z", "status": "sent"},
    )[0].pk  # fmt: skip


REPORT_PERIOD = {"from": "2024-03-05", "to": "2024-03-05"}


def report_params(world, pk=None):
    """reportSummary names a report: tenant A's (made here), or, given tenant B's report id, that one's name."""
    key = "a" if pk is None else "b"
    make_report(world, key)
    return {"report_name": f"contract-{key}", "datetime_from": "2024-03-05", "datetime_to": "2024-03-05", "json": True}


REPORT_BODY = {"description": "contract new", "filters": {"id_sensor": "1"}, "group_by": "sensor"}


def make_alert_rule(world, key):
    from apps.alerts.models import AlertRule

    tenant = world.tenant_a if key == "a" else world.tenant_b
    return AlertRule.objects.get_or_create(tenant=tenant, name=f"contract-{key}", defaults={"kind": "one_way"})[0].pk


def make_alert_event(world, key, call="inside"):
    """An event about one of the world's calls (its subject is the call's id, for `seen`)."""
    from apps.alerts.models import AlertEvent, AlertEventCall

    tenant = world.tenant_a if key == "a" else world.tenant_b
    call = world.calls[call if key == "a" else "foreign"]
    event, created = AlertEvent.objects.get_or_create(
        key=f"contract:{key}:{call.pk}",
        defaults={"tenant": tenant, "rule_id": make_alert_rule(world, key), "subject": str(call.pk),
                  "window_start": call.calldate, "window_end": call.callend, "measured": 1, "threshold": 1,
                  "call_ids": [call.pk], "call_count": 1},
    )  # fmt: skip
    if created:
        AlertEventCall.objects.create(tenant=tenant, event=event, cdr=call)
    return event.pk


def alert_events_made(world):
    """Events about every call of the world (read by the list case); the request itself needs no query."""
    for name in world.calls:
        make_alert_event(world, "b" if name == "foreign" else "a", call=name)
    return {}


def event_subjects(response):
    return {int(row["subject"]) for row in response.json()["results"]}


ALERT_RULE_BODY = {"name": "contract rule", "kind": "mos", "threshold": 2, "params": {"value": 3.5}}


# kind -> (world, "a" | "b") -> pk. "a" is the flag holder's own object; "b" is tenant B's.
OBJECT_MAKERS = {
    "call": lambda world, key: world.calls["inside" if key == "a" else "foreign"].pk,
    "sensor": lambda world, key: world.sensors["a1" if key == "a" else "b1"].pk,
    "tenant": lambda world, key: (world.tenant_a if key == "a" else world.tenant_b).pk,
    "user": user_pk,
    "capture": make_capture,
    "export": make_export,
    "active_call": active_ref,
    "share": make_share,
    "report": make_report,
    "schedule": make_schedule,
    "run": make_run,
    "alert_rule": make_alert_rule,
    "alert_event": make_alert_event,
}
# kind -> world -> pk of a tenant-A object outside the restricted user's restriction
OUTSIDE = {
    "call": lambda world: world.calls["out_number"].pk,
    "sensor": lambda world: world.sensors["a2"].pk,
    "alert_event": lambda world: make_alert_event(world, "a", call="out_number"),
    "active_call": lambda world: active_ref(world, "out_number"),
}

REST_CASES = {
    "api-root": RestCase(flag=None, note="the list of endpoints"),
    "schema": RestCase(flag=None, public="the OpenAPI schema documents the API; it holds no data"),
    "api-docs": RestCase(flag=None, public="Swagger UI for the schema"),
    "token-create": RestCase(
        flag=None,
        method="post",
        data=lambda world: {"username": world.admin_a.username, "password": PASSWORD},
        public="exchanges a local password for a token",
    ),
    "cdr-list": RestCase(flag="can_cdr", seen=results_ids),
    "cdr-detail": RestCase(flag="can_cdr", obj="call"),
    "cdr-pcap": RestCase(flag="can_pcap", obj="call", allowed=reached),
    "cdr-audio": RestCase(flag="can_download_audio", obj="call", allowed=reached),
    "cdr-audio-graph": RestCase(flag="can_play_audio", obj="call", allowed=reached),
    "cdr-sip-history": RestCase(flag="can_cdr", obj="call", allowed=reached),
    "cdr-ladder-svg": RestCase(flag="can_cdr", obj="call", allowed=reached),
    "cdr-ladder-png": RestCase(flag="can_cdr", obj="call", allowed=reached),
    "capture-list": RestCase(flag="can_upload_pcap"),
    "capture-detail": RestCase(flag="can_upload_pcap", obj="capture"),
    "export-list": RestCase(flag="can_cdr"),
    "export-detail": RestCase(flag="can_cdr", obj="export"),
    "export-download": RestCase(flag="can_cdr", obj="export", allowed=reached),
    "tenant-list": RestCase(flag=None, note="a user reads their own tenant"),
    "tenant-detail": RestCase(flag=None, obj="tenant", note="a user reads their own tenant"),
    "user-list": RestCase(flag="admin"),
    "user-detail": RestCase(flag="admin", obj="user"),
    "user-me": RestCase(flag=None, note="every user reads their own record"),
    "user-enrollment-code": RestCase(flag="admin", method="post", obj="user"),
    "sensor-list": RestCase(flag=None, seen=results_ids, seen_kind="sensor", note="sensors the user may see"),
    "sensor-detail": RestCase(flag=None, obj="sensor", note="a sensor the user may see"),
    "active-call-list": RestCase(flag="can_activecalls", seen=active_seen_response),
    "active-call-detail": RestCase(flag="can_activecalls", obj="active_call"),
    "active-call-pause": RestCase(flag="can_activecalls", method="post", obj="active_call", allowed=ok_2xx),
    "active-call-unpause": RestCase(flag="can_activecalls", method="post", obj="active_call", allowed=ok_2xx),
    "share-list": RestCase(flag="can_cdr"),
    "share-detail": RestCase(flag="can_cdr", obj="share"),
    "share-opens": RestCase(flag="can_cdr", obj="share"),
    "share-revoke": RestCase(flag="can_cdr", method="post", obj="share"),
    "branding-detail": RestCase(flag="admin"),
    "share-policy-detail": RestCase(flag="admin"),
    "report-list": RestCase(flag="can_cdr"),
    "report-detail": RestCase(flag="can_cdr", obj="report"),
    "report-render": RestCase(flag="can_cdr", obj="report", query={**REPORT_PERIOD, "format": "json"}),
    "report-schedule-list": RestCase(flag="can_reports_edit"),
    "report-schedule-detail": RestCase(flag="can_reports_edit", obj="schedule"),
    "report-schedule-send": RestCase(flag="can_reports_edit", method="post", obj="schedule"),
    "report-schedule-preview": RestCase(flag="can_reports_edit", obj="schedule"),
    "report-run-list": RestCase(flag="can_reports_show_sent"),
    "report-run-detail": RestCase(flag="can_reports_show_sent", obj="run"),
    "report-run-download": RestCase(flag="can_reports_show_sent", obj="run", query={"format": "png"}),
    "alert-rule-list": RestCase(flag="can_alerts_edit"),
    "alert-rule-detail": RestCase(flag="can_alerts_edit", obj="alert_rule"),
    "alert-event-list": RestCase(flag="can_alerts_show_sent", data=alert_events_made, seen=event_subjects),
    "alert-event-detail": RestCase(flag="can_alerts_show_sent", obj="alert_event"),
}


def legacy_ids(key):
    return lambda body: {row[key] for row in body.get("cdr") or body.get("results") or []}


# The legacy "not available" answers (the legacy shape has no code, only the text): the stored capture
# is missing, or the call has no audio. "Internal error", "permission", "not found" are not among them.
LEGACY_NOT_AVAILABLE = (
    re.compile(r"^The capture of call \d+ is not available on the server\.$"),
    re.compile(r"^Call \d+ has no audio: no RTP voice stream was captured\.$"),
    re.compile(r"^Call \d+ is a T\.38 fax call; it has no audio to play\.$"),
)


def media_reached(response):
    """A file, or one of the named "not available" errors above."""
    if "json" not in response.get("Content-Type", ""):
        return response.status_code == 200
    body = response.json()
    if body.get("success") is True:
        return True
    text = str(body.get("error", ""))
    return body.get("success") is False and any(pattern.match(text) for pattern in LEGACY_NOT_AVAILABLE)


def call_param(key="cdrId", **extra):
    return lambda world, pk=None: {key: pk if pk is not None else world.calls["inside"].pk, **extra}


SINCE = "2024-01-01"
API_TASK_CASES = {
    "getVoipCalls": LegacyCase(
        params=lambda world, pk=None: {"startTime": SINCE, **({"cdrId": pk} if pk else {})},
        obj="call",
        seen=legacy_ids("cdrId"),
    ),
    "listCdrIds": LegacyCase(params=lambda world, pk=None: {"offset": 0, "size": 100}, seen=legacy_ids("cdrId")),
    "getPCAP": LegacyCase(params=call_param(), obj="call", allowed=media_reached),
    "getVoiceRecording": LegacyCase(params=call_param(), obj="call", allowed=media_reached),
    "getAudioGraph": LegacyCase(params=call_param(), obj="call", allowed=media_reached),
    "listActiveCalls": LegacyCase(
        params=lambda world, pk=None: {"callId": world.calls["inside"].callid} if pk else {}, seen=active_seen
    ),
    "handleActiveCall": LegacyCase(
        params=lambda world, pk=None: {"sensorId": 1, "command": "pausecall", "callRef": pk or active_ref(world, "a")},
        obj="active_call",
    ),
    "getShareURL": LegacyCase(params=call_param(), obj="call"),
    "reportSummary": LegacyCase(params=lambda world, pk=None: report_params(world, pk), obj="report"),
}

SQL_MODULE_CASES = {
    ("CDR", "LISTING"): LegacyCase(params=lambda world, pk=None: {"fdatefrom": SINCE}, seen=legacy_ids("ID")),
    ("CDR", "TOTAL"): LegacyCase(params=lambda world, pk=None: {"fdatefrom": SINCE}),
    ("CDR_stats", "LISTING"): LegacyCase(params=lambda world, pk=None: {"fdatefrom": SINCE, "group_by": "4"}),
    ("CDR_RTP", "LISTING"): LegacyCase(params=call_param("cdr_id"), obj="call"),
}


# Writes beyond each endpoint's own `method` above, keyed (URL name, method). See the module docstring.
USER_BODY = {"username": "rhea", "first_name": "Rhea", "enable_sensors": [1], "restrict_numbers": "420601%"}
SENSOR_BODY = {"id_sensor": 1, "name": "renamed", "timezone": "UTC"}
TENANT_BODY = {"name": "ACME renamed", "timezone": "Europe/Prague", "api_disable_authorization": False}
REST_WRITE_CASES = {
    ("capture-list", "post"): RestCase(flag="can_upload_pcap", data=pcap_upload, format="multipart"),
    ("export-list", "post"): RestCase(
        flag="can_cdr",
        data=lambda world: {"kind": "pcap", "cdr_ids": [world.calls["inside"].pk]},
        foreign=lambda world: {"kind": "pcap", "cdr_ids": [world.calls["foreign"].pk]},
        allowed=reached,
    ),
    ("tenant-detail", "put"): RestCase(flag="admin", obj="tenant", data=lambda world: TENANT_BODY),
    ("tenant-detail", "patch"): RestCase(flag="admin", obj="tenant", data=lambda world: {"name": "ACME renamed"}),
    ("user-list", "post"): RestCase(
        flag="admin",
        data=lambda world: {"username": "newbie", "password": PASSWORD, "group": make_group(world, "a")},
        foreign=lambda world: {"username": "newbie", "password": PASSWORD, "group": make_group(world, "b")},
    ),
    ("user-detail", "put"): RestCase(flag="admin", obj="user", data=lambda world: USER_BODY),
    ("user-detail", "patch"): RestCase(
        flag="admin",
        obj="user",
        data=lambda world: {"is_admin": True},
        foreign=lambda world: {"group": make_group(world, "b")},
    ),
    ("user-detail", "delete"): RestCase(flag="admin", obj="user"),
    ("sensor-list", "post"): RestCase(flag="admin", data=lambda world: {"id_sensor": 9, "name": "new"}),
    ("sensor-detail", "put"): RestCase(flag="admin", obj="sensor", data=lambda world: SENSOR_BODY),
    ("sensor-detail", "patch"): RestCase(flag="admin", obj="sensor", data=lambda world: {"name": "renamed"}),
    ("sensor-detail", "delete"): RestCase(flag="admin", obj="sensor"),
    ("share-list", "post"): RestCase(
        flag="can_cdr_share_voipmonitor_org",
        data=lambda world: {"cdr_id": world.calls["inside"].pk, "valid_days": 3},
        foreign=lambda world: {"cdr_id": world.calls["foreign"].pk},
    ),
    ("branding-detail", "put"): RestCase(flag="admin", data=lambda world: {"product_name": "ACME Voice"}),
    ("branding-detail", "patch"): RestCase(flag="admin", data=lambda world: {"primary_colour": "#aa3300"}),
    ("share-policy-detail", "put"): RestCase(
        flag="admin",
        data=lambda world: {
            "max_valid_days": 14,
            "allow_audio": False,
            "mask_digits": 3,
            "anon_rules": [{"source": "10.0.0.0/8", "target": "172.16.0.0/8"}],
        },
    ),  # fmt: skip
    ("share-policy-detail", "patch"): RestCase(flag="admin", data=lambda world: {"max_valid_days": 10}),
    ("report-list", "post"): RestCase(flag="can_reports_edit", data=lambda world: REPORT_BODY),
    ("report-detail", "put"): RestCase(flag="can_reports_edit", obj="report", data=lambda world: REPORT_BODY),
    ("report-detail", "patch"): RestCase(flag="can_reports_edit", obj="report", data=lambda world: {"top_n": 5}),
    ("report-detail", "delete"): RestCase(flag="can_reports_edit", obj="report"),
    ("report-schedule-list", "post"): RestCase(
        flag="can_reports_edit",
        data=lambda world: {"report": make_report(world, "a"), "frequency": "weekly", "time": "06:30"},
        foreign=lambda world: {"report": make_report(world, "b"), "frequency": "daily", "time": "06:30"},
    ),
    ("report-schedule-detail", "put"): RestCase(
        flag="can_reports_edit",
        obj="schedule",
        data=lambda world: {"report": make_report(world, "a"), "frequency": "monthly", "time": "05:00", "day": 2},
        foreign=lambda world: {"report": make_report(world, "b"), "frequency": "daily", "time": "06:30"},
    ),
    ("report-schedule-detail", "patch"): RestCase(
        flag="can_reports_edit",
        obj="schedule",
        data=lambda world: {"recipients": ["ops@example.com"]},
        foreign=lambda world: {"recipient_users": [make_user_b(world).pk]},
    ),
    ("report-schedule-detail", "delete"): RestCase(flag="can_reports_edit", obj="schedule"),
    ("alert-rule-list", "post"): RestCase(flag="can_alerts_edit", data=lambda world: ALERT_RULE_BODY),
    ("alert-rule-detail", "put"): RestCase(
        flag="can_alerts_edit", obj="alert_rule", data=lambda world: ALERT_RULE_BODY
    ),
    ("alert-rule-detail", "patch"): RestCase(
        flag="can_alerts_edit", obj="alert_rule", data=lambda world: {"threshold": 4}
    ),
    ("alert-rule-detail", "delete"): RestCase(flag="can_alerts_edit", obj="alert_rule"),
}
