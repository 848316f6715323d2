"""sql.php CDR_stats (counts, ASR, ACD per group) and CDR_RTP (one call's streams, tenant-scoped)."""

import pytest

from apps.cdr.models import CdrRtp
from apps.users.services import user_create
from tests.conftest import PASSWORD

from .helpers import assert_legacy_error, sql_get, sql_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(tenant_a, tenant_b, user_a, make_call):
    answered = [make_call(tenant_a, connect_duration=d, a_ua="Yealink", payload=8) for d in (30.0, 50.0, 100.4)]
    busy = [
        make_call(
            tenant_a,
            lastSIPresponseNum=486,
            lastSIPresponse="486 Busy Here",
            connect_duration=None,
            a_ua="Linphone",
            payload=None,
        )  # fmt: skip
        for _ in range(2)
    ]
    make_call(tenant_b, connect_duration=10.0)
    return answered, busy


def stats(client, group_by, **filters):
    return sql_get(client, module="CDR_stats", task="LISTING", group_by=group_by, **filters)


def test_stats_by_sip_response_are_numbers(client, mixed):
    answered, busy = mixed
    sql_login(client)
    body = stats(client, "4", fdatefrom="2024-03-01")
    assert body["success"] is True
    rows = {row["lastSIPresponseNum"]: row for row in body["results"]}
    assert set(rows) == {200, 486}
    ok = rows[200]
    seconds = sum(c.connect_duration for c in answered)
    assert (ok["cnt_all"], ok["cnt_connected"], ok["lastSIPresponse"]) == (3, 3, "200 OK")
    assert ok["duration_all"] == round(seconds) and ok["acd"] == round(seconds / 3, 1) and ok["asr"] == 100.0
    assert (rows[486]["cnt_all"], rows[486]["cnt_connected"], rows[486]["asr"], rows[486]["acd"]) == (2, 0, 0, 0)
    for value in ok.values():
        assert isinstance(value, int | float | str)


@pytest.mark.parametrize(
    "group_by,key,expected",
    [
        ("3", "payload", {8: 3, None: 2}),
        ("8", "a_ua", {"Yealink": 3, "Linphone": 2}),
        ("2", "sipcallerip", {"192.0.2.10": 5}),
    ],
)
def test_stats_other_groupings(client, mixed, group_by, key, expected):
    sql_login(client)
    rows = stats(client, group_by, fdatefrom="2024-03-01")["results"]
    assert {row[key]: row["cnt_all"] for row in rows} == expected
    assert all(row["asr"] == round(100 * row["cnt_connected"] / row["cnt_all"], 2) for row in rows)


def test_stats_apply_the_listing_filters(client, mixed):
    sql_login(client)
    rows = stats(client, "4", fdatefrom="2024-03-01", fsipresponse="4")["results"]
    assert [(r["lastSIPresponseNum"], r["cnt_all"]) for r in rows] == [(486, 2)]


def test_stats_bad_group_by(client, mixed):
    sql_login(client)
    assert_legacy_error(stats(client, "99"), "group_by")


@pytest.fixture
def streams(tenant_a, tenant_b, make_call):
    mine, theirs = make_call(tenant_a), make_call(tenant_b)
    for call, tenant in ((mine, tenant_a), (mine, tenant_a), (theirs, tenant_b)):
        CdrRtp.objects.create(
            tenant=tenant, cdr=call, saddr="10.0.0.1", sport=4000, daddr="10.0.0.2", dport=5000, ssrc=0x1234,
            payload=8, codec="PCMA", received=500, lost=3, maxjitter_mult10=45, firsttime=0.5, side="caller",
        )  # fmt: skip
    return mine, theirs


def test_cdr_rtp_lists_the_calls_streams(client, user_a, streams):
    mine, _theirs = streams
    sql_login(client)
    body = sql_get(client, module="CDR_RTP", task="LISTING", cdr_id=mine.pk)
    assert body["success"] is True and body["total"] == 2
    row = body["results"][0]
    assert (row["saddr"], row["sport"], row["daddr"], row["dport"], row["ssrc"]) == (
        "10.0.0.1",
        4000,
        "10.0.0.2",
        5000,
        0x1234,
    )
    assert (row["received"], row["loss"], row["firsttime"], row["payload"], row["codec"]) == (500, 3, 0.5, 8, "PCMA")
    assert row["maxjitter_mult10"] == 45


def test_cdr_rtp_of_another_tenant_is_an_error(client, user_a, streams):
    _mine, theirs = streams
    sql_login(client)
    assert_legacy_error(sql_get(client, module="CDR_RTP", task="LISTING", cdr_id=theirs.pk), "not found")
    assert_legacy_error(sql_get(client, module="CDR_RTP", task="LISTING", cdr_id="abc"), "cdr_id")


def test_cdr_rtp_hidden_from_no_rtp_users(client, tenant_a, streams):
    user_create(username="nortp", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True, "no_rtp": True})
    sql_login(client, user="nortp")
    assert_legacy_error(sql_get(client, module="CDR_RTP", task="LISTING", cdr_id=streams[0].pk), "RTP")
