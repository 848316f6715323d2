"""bypass_login sessions: the SID authenticates later requests; logout and bad sessions say no_session."""

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, **extra):
    return client.post(f"/php/model/sql.php?module=bypass_login&user=arthur&pass={PASSWORD}", **extra).json()


def test_bypass_login_returns_sid_and_cookie_name(client, user_a):
    body = login(client)
    assert body["success"] is True and body["cookie_name"] == "PHPSESSID" and len(body["SID"]) >= 32
    assert "_vm_version" in body
    get = client.get("/php/model/sql.php", {"module": "bypass_login", "user": "arthur", "pass": PASSWORD}).json()
    assert get["success"] is True and get["SID"] != body["SID"]


def test_session_cookie_authenticates_api_php(client, tenant_a, user_a, make_call):
    call = make_call(tenant_a)
    sid = login(client)["SID"]
    client.cookies.clear()
    client.cookies["PHPSESSID"] = sid
    body = client.get("/php/api.php", {"task": "getVoipCalls", "params": '{"startTime":"2024-01-01"}'}).json()
    assert [row["cdrId"] for row in body["cdr"]] == [call.pk]


def test_wrong_password_does_not_open_a_session(client, user_a):
    body = client.post("/php/model/sql.php?module=bypass_login&user=arthur&pass=wrong").json()
    assert body["success"] is False and "Wrong user name" in body["error"]


@pytest.mark.parametrize("cookie", [None, "not-a-session", "x" * 40])
def test_missing_or_forged_session_is_no_session(client, user_a, cookie):
    if cookie:
        client.cookies["PHPSESSID"] = cookie
    body = client.get("/php/api.php", {"task": "getVoipCalls", "params": '{"startTime":"2024-01-01"}'}).json()
    assert body == {"success": False, "error": {"type": "no_session"}, "_vm_version": body["_vm_version"]}


def test_logout_and_password_change_end_the_session(client, user_a):
    sid = login(client)["SID"]
    client.cookies["PHPSESSID"] = sid
    query = {"task": "getVoipCalls", "params": '{"startTime":"2024-01-01"}'}
    assert client.get("/php/api.php", query).json()["success"] is True
    client.get("/php/model/sql.php", {"module": "logout"})
    assert client.get("/php/api.php", query).json()["error"] == {"type": "no_session"}
    client.cookies["PHPSESSID"] = login(client)["SID"]
    user_a.set_password("changed-Pa55")
    user_a.save()
    assert client.get("/php/api.php", query).json()["error"] == {"type": "no_session"}


def test_unknown_module(client, user_a):
    client.cookies["PHPSESSID"] = login(client)["SID"]
    body = client.get("/php/model/sql.php", {"module": "NOPE", "task": "LISTING"}).json()
    assert body["success"] is False and "Unknown module" in body["error"]
