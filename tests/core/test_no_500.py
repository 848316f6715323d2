"""No input makes a 500 (issue 17, item 2): each case the review found, and the class each belongs to.

Each case answers a 4xx with a message on REST and the legacy error shape on api.php / sql.php. The
classes are closed where values are parsed: dates are range-checked (year 1 overflows once the tenant's
zone is applied), numbers are range-checked before `int()` (Python refuses more than 4,300 digits; the
database a bigint of 2^63 or more), JSON is bounded in depth and size before it is parsed, and a model's
ValidationError is a 400 wherever it is raised.
"""

import json

import pytest
from rest_framework.test import APIClient

from apps.accounts.services import apitoken_issue
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HUGE = "9" * 4400  # past Python's 4,300-digit int() limit
DEEP = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000


@pytest.fixture
def rest(user_a, admin_a):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {apitoken_issue(user=admin_a)}")
    return api


def legacy_error(response, fragment):
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert body["success"] is False, body
    assert "internal error" not in body["error"].lower() and fragment.lower() in body["error"].lower(), body
    return body


def rest_error(response, fragment, status=400):
    assert response.status_code == status, (response.status_code, response.content[:300])
    text = json.dumps(response.json())
    assert fragment.lower() in text.lower(), text
    return response.json()


def api(client, task, params, **extra):
    query = {"task": task, "user": "alice", "password": PASSWORD, "params": params, **extra}
    return client.get("/php/api.php", query)


def sql(client, **fields):
    sid = client.post("/php/model/sql.php", {"module": "bypass_login", "user": "alice", "pass": PASSWORD}).json()["SID"]
    client.cookies["PHPSESSID"] = sid
    return client.get("/php/model/sql.php", {"module": "CDR", "task": "LISTING", **fields})


YEAR_ONE = ["0001-01-01", "0001-01-01 00:00:00", "9999-12-31 23:59:59"]
# PostgreSQL refuses offsets of 16 h or more (found by schemathesis: calldate_to=2914-09-15T00:26:28-16:09)
BEYOND_ANY_ZONE = ["2024-09-15T00:26:28-16:09", "2024-09-15T00:26:28+16:00"]


@pytest.mark.parametrize("value", BEYOND_ANY_ZONE)
def test_rest_dates_with_an_offset_beyond_any_zone_are_400(rest, value):
    for name in ("calldate_from", "calldate_to", "callend_to"):
        rest_error(rest.get("/api/v1/calls/", {name: value}), "range")


def test_rest_dates_with_a_real_zone_offset_are_accepted(rest):
    for value in ("2024-09-15T00:26:28+14:00", "2024-09-15T00:26:28-12:00"):
        assert rest.get("/api/v1/calls/", {"calldate_to": value}).status_code == 200


@pytest.mark.parametrize("value", YEAR_ONE)
def test_rest_dates_out_of_range_are_400(rest, value):
    for name in ("calldate_from", "calldate_to", "callend_to"):
        rest_error(rest.get("/api/v1/calls/", {name: value}), "range")


@pytest.mark.parametrize("value", YEAR_ONE)
def test_legacy_dates_out_of_range_are_the_legacy_error(client, admin_a, value):
    for name in ("startTime", "callEnd", "startTimeTo"):
        params = {"startTime": "2024-01-01", name: value}
        legacy_error(api(client, "getVoipCalls", json.dumps(params)), "range")
    legacy_error(sql(client, fdatefrom=value), "range")
    legacy_error(sql(client, fdatefrom="2024-01-01", fdateto=value), "range")


def test_media_day_out_of_range_is_the_legacy_error(client, admin_a):
    params = {"callId": "x@y", "calldate": "0001-01-01"}
    legacy_error(api(client, "getPCAP", json.dumps(params)), "range")


def test_a_cdr_id_of_thousands_of_digits_is_refused(client, rest, admin_a):
    legacy_error(api(client, "getVoipCalls", json.dumps({"startTime": "2024-01-01", "cdrId": HUGE})), "cdrId")
    legacy_error(api(client, "getPCAP", json.dumps({"cdrId": HUGE})), "cdrId")
    legacy_error(api(client, "listCdrIds", json.dumps({"offset": HUGE})), "offset")
    legacy_error(sql(client, fdatefrom="2024-01-01", limit=HUGE), "limit")
    rest_error(rest.get("/api/v1/calls/", {"id": HUGE}), "range")
    assert rest.get(f"/api/v1/calls/{HUGE}/").status_code == 404
    assert rest.get(f"/api/v1/calls/{HUGE}/pcap/").status_code == 404


def test_export_of_a_call_id_beyond_bigint_is_400(rest):
    for big in (2**63, 2**64, int(HUGE[:40])):
        rest_error(rest.post("/api/v1/exports/", {"kind": "pcap", "cdr_ids": [big]}, format="json"), "cdr_ids")


@pytest.mark.parametrize("nested", [DEEP, DEEP_OBJECT])
def test_json_nested_thousands_deep_is_refused_before_parsing(client, rest, admin_a, nested):
    legacy_error(api(client, "getVoipCalls", nested), "deep")
    legacy_error(sql(client, fdatefrom="2024-01-01", sort=nested), "deep")
    body = f'{{"task": "getVoipCalls", "user": "alice", "password": "{PASSWORD}", "params": {nested}}}'
    legacy_error(client.post("/php/api.php", body, content_type="application/json"), "deep")
    raw = f'{{"kind": "pcap", "cdr_ids": {nested}}}'
    rest_error(rest.post("/api/v1/exports/", raw, content_type="application/json"), "deep")


def test_json_beyond_the_size_bound_is_refused(client, admin_a, settings):
    settings.VOIPMON_JSON_MAX_BYTES = 10_000
    params = json.dumps({"startTime": "2024-01-01", "caller": "1" * 20_000})
    legacy_error(api(client, "getVoipCalls", params), "large")


def test_a_model_validation_error_is_400_on_rest(rest, tenant_a):
    response = rest.patch(f"/api/v1/tenants/{tenant_a.pk}/", {"api_disable_authorization": True}, format="json")
    rest_error(response, "API user")
    tenant_a.refresh_from_db()
    assert tenant_a.api_disable_authorization is False
