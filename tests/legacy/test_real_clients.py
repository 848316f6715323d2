"""Public VoIPmonitor clients, replayed request for request; each asserts the keys that client reads.

n8n node, C# recording fetcher, Go Prometheus exporter, Rails script, NestJS service. Calls come from
a real capture imported through the capture pipeline, so the media steps have a pcap to work on.
"""

import json
import re

import pytest

from apps.core.models import AuditLog
from apps.users.services import user_create
from tests.conftest import PASSWORD, SHARED

pytestmark = pytest.mark.django_db

CAPTURE = SHARED / "captures" / "sip_g711u_call_both_ways_loss_bye.pcap"
FLAGS = {"can_cdr": True, "can_pcap": True, "can_play_audio": True, "can_download_audio": True}


@pytest.fixture
def ops(tenant_a, tenant_b, make_call, settings, tmp_path):
    """A script account and calls: one imported from a real capture when it is available, plus records."""
    settings.MEDIA_ROOT = tmp_path / "media"
    user_create(username="ops", tenant=tenant_a, password=PASSWORD, flags=FLAGS)
    made = [
        make_call(tenant_a, caller="0049301234", calldate="2024-03-05 08:00:00", duration=95.0),
        make_call(
            tenant_a,
            caller="0049305555",
            calldate="2024-03-05 09:00:00",
            lastSIPresponseNum=486,
            lastSIPresponse="486 Busy Here",
            connect_duration=None,
            duration=6.0,
        ),  # fmt: skip
    ]
    make_call(tenant_b, caller="0049301234")
    return made


@pytest.fixture
def imported(tenant_a):
    if not CAPTURE.exists():
        pytest.skip(f"capture {CAPTURE} not available")
    from apps.capture.services import capture_import_file

    capture_import_file(tenant=tenant_a, id_sensor=1, path=CAPTURE)


def php_login(client):
    body = client.post("/php/model/sql.php", {"module": "bypass_login", "user": "ops", "pass": PASSWORD}).json()
    assert isinstance(body["SID"], str) and body["success"] is True and isinstance(body["cookie_name"], str)
    return f"{body['cookie_name']}={body['SID']}"


def test_n8n_node_getvoipcalls_with_bracket_params_and_audit_reason(client, ops, tenant_a):
    response = client.get(
        "/php/api.php?task=getVoipCalls&user=ops&password=" + PASSWORD
        + "&params[startTime]=2024-03-05%2000:00:00&params[startTimeTo]=2024-03-06%2000:00:00"
        + "&params[caller]=0049%25&auditReason=ticket%20INC-4711"
    )  # fmt: skip
    body = response.json()
    assert body["success"] is True and isinstance(body["total"], int) and isinstance(body["cdr"], list)
    assert sorted(row["cdrId"] for row in body["cdr"]) == sorted(c.pk for c in ops)
    for row in body["cdr"]:
        assert isinstance(row["cdrId"], int) and isinstance(row["callId"], str) and isinstance(row["duration"], int)
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row["calldate"])
        assert isinstance(row["caller"], str) and isinstance(row["lastSIPresponseNum"], int)
    entry = AuditLog.objects.get()
    assert (entry.tenant_id, entry.user.username, entry.task, entry.reason) == (
        tenant_a.pk,
        "ops",
        "getVoipCalls",
        "ticket INC-4711",
    )


def test_csharp_fetcher_getvoipcalls_then_getvoicerecording(client, ops, imported):
    params = json.dumps({"startTime": "2000-01-01 00:00:00", "onlyConnected": 1})
    body = client.get("/php/api.php", {"task": "getVoipCalls", "user": "ops", "password": PASSWORD, "params": params})
    rows = body.json()["cdr"]
    assert rows and all(isinstance(row["cdrId"], int) and isinstance(row["connect_duration"], int) for row in rows)
    wanted = max(rows, key=lambda row: row["calldate"])  # the imported call is the newest
    query = {"task": "getVoiceRecording", "user": "ops", "password": PASSWORD}
    audio = client.get("/php/api.php", {**query, "params": json.dumps({"cdrId": wanted["cdrId"]})})
    content = b"".join(audio.streaming_content) if audio.streaming else audio.content
    assert audio["Content-Type"].startswith("audio/x-wav"), content[:300]
    assert content[:4] == b"RIFF" and audio["Content-Disposition"].startswith("attachment; filename=")


def test_go_exporter_bypass_login_then_stats_by_sip_response(client, ops):
    cookie = php_login(client)
    client.cookies.clear()
    body = client.get(
        "/php/model/sql.php",
        {"module": "CDR_stats", "task": "LISTING", "group_by": "4", "fdatefrom": "2024-03-01 00:00:00"},
        HTTP_COOKIE=cookie,
    ).json()
    assert body["success"] is True
    by_code = {row["lastSIPresponseNum"]: row for row in body["results"]}
    assert set(by_code) == {200, 486}
    for row in body["results"]:
        assert isinstance(row["lastSIPresponseNum"], int) and isinstance(row["lastSIPresponse"], str)
        for key in ("cnt_all", "cnt_connected", "duration_all"):
            assert isinstance(row[key], int), key
        assert isinstance(row["acd"], int | float) and isinstance(row["asr"], int | float)
    assert by_code[200]["asr"] == 100 and by_code[486]["cnt_connected"] == 0


def test_rails_script_get_login_then_listing_with_minute_second_durations(client, ops):
    login = client.get("/php/model/sql.php", {"module": "bypass_login", "user": "ops", "pass": PASSWORD}).json()
    client.cookies.clear()
    body = client.get(
        "/php/model/sql.php",
        {"task": "LISTING", "module": "CDR", "fdatefrom": "2024-03-05T00:00:00", "fdateto": "2024-03-06T00:00:00",
         "fcaller": "0049%", "start": 0, "limit": 50},
        HTTP_COOKIE=f"{login['cookie_name']}={login['SID']}",
    ).json()  # fmt: skip
    assert body["success"] is True and body["total"] == 2
    for row in body["results"]:
        minutes, seconds = row["duration"].split(":")
        assert int(minutes) * 60 + int(seconds) == row["_duration"] and len(seconds) == 2
        assert isinstance(row["cdr_ID"], int) and isinstance(row["caller"], str) and isinstance(row["calldate"], str)


def test_nestjs_deferred_total_then_total_then_sip_history(client, ops, imported):
    cookie = php_login(client)
    client.cookies.clear()
    filters = {"module": "CDR", "fdatefrom": "2000-01-01T00:00:00", "limit": 10, "deferTotal": "1"}
    first = client.get("/php/model/sql.php", {"task": "LISTING", **filters}, HTTP_COOKIE=cookie).json()
    assert first["success"] is True and first["deferTotal"] is True and "total" not in first
    total = client.get("/php/model/sql.php", {"task": "TOTAL", **filters}, HTTP_COOKIE=cookie).json()
    assert isinstance(total["total"], int) and total["total"] == len(first["results"]) == 3
    newest = max(first["results"], key=lambda row: row["calldate"])
    history = client.get("/php/pcap2text.php", {"action": "brief_data", "id": newest["ID"]}, HTTP_COOKIE=cookie)
    body = history.json()
    assert body["success"] is True and isinstance(body["total"], int) and body["total"] == len(body["results"]) > 0
    for row in body["results"]:
        assert isinstance(row["num"], int) and isinstance(row["time"], float) and isinstance(row["msg"], str)
        assert isinstance(row["srcip"], str) and isinstance(row["dstport"], int)
