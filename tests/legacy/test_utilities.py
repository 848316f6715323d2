"""admin.php?cdr_filter, utilities.php?task=checkSession and apilicensecheck.php."""

import datetime as dt
import json
import zoneinfo
from urllib.parse import parse_qs, urlsplit

import pytest

from apps.legacy import license
from apps.users.services import user_create
from tests.conftest import PASSWORD

from .helpers import assert_legacy_error, sql_login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "cdr_filter",
    [
        '{fcallid:"abc@host",fcaller:"00%",fcallerd_type:0}',
        json.dumps({"fcallid": "abc@host", "fcaller": "00%", "fcallerd_type": 0}),
        "{'fcallid': 'abc@host', 'fcaller': '00%', 'fcallerd_type': '0'}",
    ],
)
def test_admin_php_redirects_to_the_call_list_with_rest_filters(client, cdr_filter):
    response = client.get("/admin.php", {"cdr_filter": cdr_filter})
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert url.path == "/api/v1/calls/"
    assert parse_qs(url.query) == {"callid": ["abc@host"], "caller": ["00%"], "number_mode": ["0"]}


def test_admin_php_link_lands_on_the_filtered_list(client, tenant_a, user_a, make_call):
    wanted = make_call(tenant_a, callid="wanted@x")
    make_call(tenant_a, callid="other@x")
    client.force_login(user_a)
    location = client.get("/admin.php", {"cdr_filter": '{fcallid:"wanted@x"}'})["Location"]
    body = client.get(location).json()
    assert [row["id"] for row in body["results"]] == [wanted.pk]


def test_admin_php_bad_filter(client):
    assert_legacy_error(client.get("/admin.php", {"cdr_filter": "{fnope:1}"}).json(), "fnope")
    assert_legacy_error(client.get("/admin.php", {"cdr_filter": "{broken"}).json(), "cdr_filter")
    assert client.get("/admin.php")["Location"] == "/api/v1/calls/"


def test_check_session_lives_and_ends(client, user_a):
    url = "/php/model/utilities.php"
    assert client.get(url, {"task": "checkSession"}).json()["error"] == {"type": "no_session"}
    sql_login(client)
    assert client.get(url, {"task": "checkSession"}).json()["success"] is True
    client.get("/php/model/sql.php", {"module": "logout"})
    assert client.get(url, {"task": "checkSession"}).json()["error"] == {"type": "no_session"}
    assert_legacy_error(client.get(url, {"task": "nope"}).json(), "Unknown task")


PRAGUE = zoneinfo.ZoneInfo("Europe/Prague")


@pytest.fixture
def busy_day(tenant_a, tenant_b, make_call, monkeypatch):
    """Peak 3 on 2024-03-05 (Prague): three overlap; a call starting as another ends does not add."""
    start = dt.datetime(2024, 3, 5, tzinfo=PRAGUE)
    monkeypatch.setattr(license, "today_bounds", lambda tz_name: (start, start + dt.timedelta(hours=23)))
    make_call(tenant_a, calldate="2024-03-05 09:00:00", duration=600)
    make_call(tenant_a, calldate="2024-03-05 09:05:00", duration=900, id_sensor=2)
    make_call(tenant_a, calldate="2024-03-05 09:08:00", duration=60)
    make_call(tenant_a, calldate="2024-03-05 09:20:00", duration=600)
    make_call(tenant_a, calldate="2024-03-04 22:50:00", duration=1200)  # runs over midnight (Prague)
    make_call(tenant_a, calldate="2024-03-04 22:30:00", duration=60)  # yesterday only
    for minute in range(4):  # another tenant's busy minute
        make_call(tenant_b, calldate=f"2024-03-05 09:0{minute}:30", duration=600)


def license_check(client, task="licenseCallsLimitCheck", **auth):
    response = client.get("/php/apilicensecheck.php", {"task": task, **auth})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("plan,status", [(None, 0), (3, 0), (2, 1)])
def test_license_calls_limit_check(client, tenant_a, user_a, busy_day, plan, status):
    tenant_a.max_concurrent_calls = plan
    tenant_a.save()
    body = license_check(client, user="arthur", password=PASSWORD)
    assert body["status"] == status and "success" not in body
    assert "3" in body["message"]
    if status:
        assert "1 over" in body["message"]


def test_license_check_with_a_session_and_restricted_user_sees_the_tenant_peak(
    client, tenant_a, restricted_a, busy_day
):
    tenant_a.max_concurrent_calls = 2
    tenant_a.save()
    sql_login(client, user="rita")
    body = license_check(client, task="licenseCheck")
    assert body["status"] == 1 and "3" in body["message"]


def test_license_check_refusals(client, tenant_a, user_a):
    assert license_check(client)["error"] == {"type": "no_session"}
    assert_legacy_error(license_check(client, user="arthur", password="wrong"), "Wrong")
    assert_legacy_error(license_check(client, task="nope", user="arthur", password=PASSWORD), "Unknown task")
    user_create(username="hidden", tenant=tenant_a, password=PASSWORD, flags={"hide_license_information": True})
    assert_legacy_error(license_check(client, user="hidden", password=PASSWORD), "license")


def test_today_is_the_tenants_day():
    now = dt.datetime(2024, 3, 5, 23, 30, tzinfo=dt.UTC)  # already the 6th in Prague
    start, end = license.today_bounds("Europe/Prague", now)
    assert start == dt.datetime(2024, 3, 6, tzinfo=PRAGUE) and end == now
