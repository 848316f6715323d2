"""getShareURL (api.php) and shareCdr (utilities.php): flags per kind of link, tenant isolation,
restricted users, bad input with nothing created, and the share_cdr_send mail received over SMTP."""

import json

import pytest
from django.test import Client

from apps.sharing.models import ShareLink
from apps.users.services import user_create
from tests.conftest import PASSWORD

from .conftest import SHARE_FLAGS, path_of

pytestmark = pytest.mark.django_db


def api(client, user, params):
    query = {"task": "getShareURL", "user": user.username, "password": PASSWORD, "params": json.dumps(params)}
    return client.get("/php/api.php", query).json()


def session(client, user):
    login = client.post("/php/model/sql.php", {"module": "bypass_login", "user": user.username, "pass": PASSWORD})
    client.cookies["PHPSESSID"] = login.json()["SID"]
    return client


def share_cdr(client, **params):
    return client.post("/php/model/utilities.php", {"task": "shareCdr", "params": json.dumps(params)}).json()


def test_get_share_url_answers_a_link_that_opens(client, sharer, g711_call):
    body = api(client, sharer, {"cdrId": g711_call.pk, "rtp": True, "validDays": 15, "anonIps": True})
    assert body["success"] is True and body["url"].startswith("http://testserver/s/")
    link = ShareLink.objects.get()
    assert link.content == ShareLink.SIP_RTP and link.anonymise and link.access == ShareLink.PUBLIC
    assert Client().get(path_of(body["url"])).status_code == 200


def test_get_share_url_by_call_id_on_its_day(client, sharer, g711_call):
    day = g711_call.calldate.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Prague")).date().isoformat()
    body = api(client, sharer, {"callId": g711_call.callid, "calldate": day, "sip_history": 1})
    assert body["success"] is True
    assert ShareLink.objects.get().content == ShareLink.SIP_HISTORY


def test_get_share_url_password_and_max_opens(client, sharer, g711_call):
    body = api(client, sharer, {"cdrId": g711_call.pk, "password": "pw-123", "maxOpens": 1})
    base = path_of(body["url"])
    visitor = Client()
    assert visitor.get(base).status_code == 401
    assert visitor.post(base, {"password": "pw-123"}).status_code == 302
    assert visitor.get(base).status_code == 200
    assert Client().get(base).status_code == 410  # a second browser finds the single open used


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"validDays": 0}, "at least 1"),
        ({"validDays": -1}, "at least 1"),
        ({"validDays": 31}, "at most 30"),
        ({"validDays": "soon"}, "whole number"),
        ({"maxOpens": -2}, "at least 1"),
        ({"cdrId": 987654}, "not found"),
        ({"cdrId": "x"}, "must be a call id"),
        ({"frobnicate": 1}, "Unknown parameter"),
    ],
)
def test_get_share_url_bad_input_is_a_legacy_error_and_creates_nothing(client, sharer, g711_call, params, fragment):
    body = api(client, sharer, {"cdrId": g711_call.pk, **params})
    assert body["success"] is False and fragment in body["error"], body
    assert ShareLink.objects.count() == 0


def test_get_share_url_of_another_tenants_call_is_not_found(client, sharer, tenant_b, make_call):
    body = api(client, sharer, {"cdrId": make_call(tenant_b).pk})
    assert body["success"] is False and "not found" in body["error"]


FLAG_OF = {
    "self_protected_link": "can_cdr_share_local_public",
    "self_login_link": "can_cdr_share_local_private",
    "share_link": "can_cdr_share_voipmonitor_org",
}


@pytest.mark.parametrize("subtype", sorted(FLAG_OF))
def test_share_cdr_needs_the_flag_of_its_subtype(subtype, tenant_a, g711_call):
    holder = user_create(username=f"h-{subtype}"[:30], tenant=tenant_a, password=PASSWORD, flags=SHARE_FLAGS)
    lacking = user_create(
        username=f"l-{subtype}"[:30], tenant=tenant_a, password=PASSWORD, flags={**SHARE_FLAGS, FLAG_OF[subtype]: False}
    )
    ok = share_cdr(session(Client(), holder), type="share_cdr_show", subType=subtype, id=[g711_call.pk])
    assert ok["success"] is True and "/s/" in ok["linkA"]
    assert ("password" in ok) is (subtype == "self_protected_link")
    refused = share_cdr(session(Client(), lacking), type="share_cdr_show", subType=subtype, id=[g711_call.pk])
    assert refused["success"] is False and FLAG_OF[subtype] in refused["error"]
    assert ShareLink.objects.count() == 1


def test_share_cdr_without_a_session_is_no_session(g711_call):
    body = share_cdr(Client(), type="share_cdr_show", subType="share_link", id=[g711_call.pk])
    assert body["error"] == {"type": "no_session"}


def test_share_cdr_several_ids_and_merge(sharer, g711_call, tenant_a, make_call):
    other = make_call(tenant_a)
    client = session(Client(), sharer)
    apart = share_cdr(client, type="share_cdr_show", subType="share_link", id=[g711_call.pk, other.pk], type2="rtp")
    assert isinstance(apart["linkA"], list) and len(apart["linkA"]) == 2
    merged = share_cdr(client, type="share_cdr_show", subType="share_link", id=[g711_call.pk, other.pk], merge=True)
    assert isinstance(merged["linkA"], str)
    assert ShareLink.objects.order_by("-pk").first().cdr_ids == [g711_call.pk, other.pk]


def test_share_cdr_tenant_isolation_and_restriction(tenant_a, tenant_b, g711_call, make_call):
    restricted = user_create(username="rs", tenant=tenant_a, password=PASSWORD, flags=SHARE_FLAGS, sensors=[2])
    client = session(Client(), restricted)
    hidden = share_cdr(client, type="share_cdr_show", subType="share_link", id=[g711_call.pk])
    assert hidden["success"] is False and "not found" in hidden["error"]
    foreign = share_cdr(client, type="share_cdr_show", subType="share_link", id=[make_call(tenant_b).pk])
    assert foreign["success"] is False and "not found" in foreign["error"]
    assert ShareLink.objects.count() == 0


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"subType": "everyone"}, "subType"),
        ({"type": "share_cdr_print"}, "type must be"),
        ({"type2": "video"}, "type2"),
        ({"id": []}, "id is required"),
        ({"type": "share_cdr_send", "emailFields": {"to": "not-an-address"}}, "Not an e-mail address"),
        ({"type": "share_cdr_send", "emailFields": {}}, "recipient"),
        ({"validDays": 0}, "at least 1"),
    ],
)
def test_share_cdr_bad_input_creates_nothing(sharer, g711_call, params, fragment):
    base = {"type": "share_cdr_show", "subType": "share_link", "id": [g711_call.pk]}
    body = share_cdr(session(Client(), sharer), **{**base, **params})
    assert body["success"] is False and fragment in body["error"], body
    assert ShareLink.objects.count() == 0


def test_share_cdr_send_mails_the_link_in_the_tenants_brand(sharer, g711_call, smtp_inbox, tenant_a):
    from apps.branding.services import branding_update
    from apps.core.actor import Actor

    branding_update(
        actor=Actor(tenant_id=tenant_a.pk, is_admin=True),
        data={"product_name": "ACME Voice", "mail_sender": "ACME Voice <noc@acme.test>", "mail_footer": "ACME NOC"},
    )
    body = share_cdr(
        session(Client(), sharer),
        type="share_cdr_send",
        subType="self_protected_link",
        id=[g711_call.pk],
        emailFields={"to": "desk@carrier.test, second@carrier.test", "subject": "Bad call", "message": "Please look"},
    )
    assert body["success"] is True
    [message] = smtp_inbox.wait(1)
    assert message["From"] == "ACME Voice <noc@acme.test>" and message["Subject"] == "Bad call"
    assert sorted(smtp_inbox.envelopes[0].rcpt_tos) == ["desk@carrier.test", "second@carrier.test"]
    text = message.get_body(("plain",)).get_content()
    url = next(line for line in text.splitlines() if "/s/" in line)
    password = next(line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("Password: "))
    assert "Please look" in text and "ACME NOC" in text and "on ACME Voice:" in text
    visitor = Client()
    visitor.post(path_of(url), {"password": password})
    assert visitor.get(path_of(url)).status_code == 200
