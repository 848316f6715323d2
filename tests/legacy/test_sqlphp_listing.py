"""sql.php LISTING and TOTAL: row shape, paging, sorting, totals, the date rule, and per-user visibility."""

import datetime as dt

import pytest
from django.test import override_settings

from apps.users.services import user_create
from tests.conftest import PASSWORD

from .helpers import assert_legacy_error, listing, listing_ids, sql_get, sql_login

pytestmark = pytest.mark.django_db

FROM = {"fdatefrom": "2024-03-01"}


@pytest.fixture
def three(tenant_a, tenant_b, user_a, make_call):
    made = [
        make_call(tenant_a, calldate="2024-03-05 10:00:00", duration=125.4, caller="111", id_sensor=1),
        make_call(tenant_a, calldate="2024-03-05 11:00:00", duration=30.0, caller="222", id_sensor=2),
        make_call(tenant_a, calldate="2024-03-05 12:00:00", duration=3700.0, caller="333", id_sensor=1),
    ]
    make_call(tenant_b, calldate="2024-03-05 10:30:00", caller="444")
    return made


def test_listing_row_shape(client, tenant_a, user_a, make_call):
    call = make_call(
        tenant_a,
        duration=125.6,
        connect_duration=61.2,
        progress_time=1.25,
        ringing_time=4.5,
        a_mos_f1_mult10=43,
        b_mos_adapt_mult10=38,
        a_avgjitter_mult10=125,
        a_rtcp_maxfr=64,
        a_delay_avg_mult100=1234,
        a_d50=3,
        b_sl10=2,
        a_saddr="10.0.0.1",
        a_ua="Yealink",
        custom_headers={"X-Customer": "42"},
    )
    sql_login(client)
    body = listing(client, **FROM)
    assert body["success"] is True and body["total"] == 1
    row = body["results"][0]
    assert row["ID"] == row["cdr_ID"] == call.pk
    assert row["callid"] == row["fbasename"] == call.callid
    assert row["calldate"] == "2024-03-05 11:00:00"  # Europe/Prague
    assert (row["duration"], row["_duration"]) == ("2:06", 126)
    assert (row["connect_duration"], row["_connect_duration"]) == ("1:01", 61)
    assert (row["a_mos_f1"], row["b_mos_adapt"], row["a_avgjitter"]) == (4.3, 3.8, 12.5)
    assert (row["a_rtcp_maxfr"], row["a_delay_avg"]) == (25.0, 12.34)
    assert (row["a_d50"], row["b_sl10"], row["a_saddr"], row["a_ua"]) == (3, 2, "10.0.0.1", "Yealink")
    assert (row["a_codec"], row["payload"], row["progress_time"], row["ringing_time"]) == ("PCMA", 8, 1.25, 4.5)
    assert row["custom_header__X-Customer"] == "42"
    for key in ("lastSIPresponseNum", "lastSIPresponse", "bye", "whohanged", "id_sensor", "sipcallerip",
                "sipcalledip", "sipcallerport", "sipcalledport", "b_saddr", "b_ua", "b_codec", "a_received",
                "a_lost", "a_maxjitter", "a_mos_f2", "a_mos_adapt", "a_rtcp_maxjitter", "a_rtcp_avgjitter",
                "a_rtcp_avgfr", "a_d300", "a_sl1", "a_delay_sum", "b_delay_avg", "callername"):  # fmt: skip
        assert key in row, key


def test_unanswered_call_has_empty_connect_duration(client, tenant_a, user_a, make_call):
    make_call(tenant_a, connect_duration=None, duration=7.4)
    sql_login(client)
    row = listing(client, **FROM)["results"][0]
    assert (row["duration"], row["_duration"], row["connect_duration"], row["_connect_duration"]) == (
        "0:07",
        7,
        "",
        None,
    )


def test_listing_excludes_other_tenant_and_other_sensors(client, tenant_a, three, restricted_a, user_b):
    sql_login(client)
    assert listing_ids(client, **FROM) == sorted(c.pk for c in three)
    client.cookies.clear()
    sql_login(client, user="rita")
    assert listing_ids(client, **FROM) == [three[1].pk]
    client.cookies.clear()
    sql_login(client, user="bob")
    assert three[0].pk not in listing_ids(client, **FROM) and len(listing_ids(client, **FROM)) == 1


def test_paging_start_page_limit_and_total(client, three):
    sql_login(client)
    newest_first = [c.pk for c in reversed(three)]
    body = listing(client, **FROM, limit=2)
    assert [r["ID"] for r in body["results"]] == newest_first[:2] and body["total"] == 3
    assert [r["ID"] for r in listing(client, **FROM, limit=2, start=2)["results"]] == newest_first[2:]
    assert [r["ID"] for r in listing(client, **FROM, limit=2, page=2)["results"]] == newest_first[2:]
    assert listing(client, **FROM, limit=2, page=2, start=0)["results"][0]["ID"] == newest_first[0]
    second_page = listing(client, **FROM, limit=2, start=2)
    assert second_page["total"] == 3
    past_the_end = listing(client, **FROM, limit=2, start=10)
    assert past_the_end["results"] == [] and past_the_end["total"] == 3


@pytest.mark.parametrize(
    "sort",
    [
        {"sort": '[{"property":"duration","direction":"ASC"}]'},
        {"sort": "[{property:'_duration',direction:'ASC'}]"},
        {"sort": "duration", "dir": "ASC"},
        {"sort": "duration"},
    ],
)
def test_sort_forms(client, three, sort):
    sql_login(client)
    by_duration = [c.pk for c in sorted(three, key=lambda c: c.duration)]
    assert [r["ID"] for r in listing(client, **FROM, **sort)["results"]] == by_duration


def test_sort_descending_on_a_divided_column(client, tenant_a, user_a, make_call):
    low, high = make_call(tenant_a, a_mos_f1_mult10=31), make_call(tenant_a, a_mos_f1_mult10=44)
    sql_login(client)
    rows = listing(client, **FROM, sort='[{"property":"a_mos_f1","direction":"DESC"}]')["results"]
    assert [r["ID"] for r in rows] == [high.pk, low.pk]


def test_suppress_results_defer_total_and_task_total(client, three):
    sql_login(client)
    body = listing(client, **FROM, fsensor_id="1", suppress_results="1")
    assert body["success"] is True and body["total"] == 2 and body["results"] == []
    deferred = listing(client, **FROM, fsensor_id="1", deferTotal="1", limit=1)
    assert deferred["deferTotal"] is True and "total" not in deferred and len(deferred["results"]) == 1
    total = sql_get(client, task="TOTAL", module="CDR", **FROM, fsensor_id="1")
    assert total["success"] is True and total["total"] == 2


def test_housekeeping_parameters_are_ignored(client, three):
    sql_login(client)
    chatter = {
        "timestampId": "1710000000",
        "clientTimezone": "Europe/Prague",
        "clientOsTimezone": "Europe/Prague",
        "timeout": "120",
        "check_active_request": "1",
        "simple": "0",
        "disableRtp": "1",
        "_dc": "1710000000123",
    }
    assert listing_ids(client, **FROM, **chatter) == sorted(c.pk for c in three)


def test_unknown_filter_is_an_error_naming_it(client, three):
    sql_login(client)
    assert_legacy_error(listing(client, **FROM, fcallerx="1", fnope="2"), "fcallerx, fnope")


def test_a_date_filter_is_required(client, three):
    sql_login(client)
    assert_legacy_error(listing(client, fcaller="111"), "fdatefrom")
    assert listing_ids(client, flast_days="36500") == sorted(c.pk for c in three)


def test_last_days_and_minutes(client, tenant_a, user_a, make_call):
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    recent = make_call(tenant_a, calldate=(now - dt.timedelta(minutes=5)).isoformat(sep=" "))
    yesterday = make_call(tenant_a, calldate=(now - dt.timedelta(hours=30)).isoformat(sep=" "))
    make_call(tenant_a, calldate=(now - dt.timedelta(days=9)).isoformat(sep=" "))
    sql_login(client)
    assert listing_ids(client, flast_minutes="30") == [recent.pk]
    assert listing_ids(client, flast_days="2") == sorted([recent.pk, yesterday.pk])


def test_callid_and_basename(client, three):
    sql_login(client)
    assert listing_ids(client, **FROM, fcallid=three[1].callid) == [three[1].pk]
    assert listing_ids(client, **FROM, fbasename=three[2].callid) == [three[2].pk]
    assert_legacy_error(listing(client, **FROM, fcallid="a", fbasename="b"), "disagree")


def test_php_bracket_lists(client, three, tenant_a, make_call):
    other = make_call(tenant_a, payload=18, a_payload=18)
    sql_login(client)
    response = client.get(
        "/php/model/sql.php?task=LISTING&module=CDR&fdatefrom=2024-03-01&fcodec[]=18&fcodec[]=0"
    ).json()
    assert [r["ID"] for r in response["results"]] == [other.pk]


@override_settings(VOIPMON_LEGACY_LISTING_MAX_LIMIT=2)
def test_huge_limit_is_capped_and_the_answer_says_so(client, three):
    sql_login(client)
    body = listing(client, **FROM, limit="100000000")
    assert body["success"] is True and len(body["results"]) == 2 and body["total"] == 3
    assert body["limit"] == 2 and body["limit_capped"] is True and "2" in body["warning"]
    assert "limit_capped" not in listing(client, **FROM, limit="2")


def test_custom_header_filter_respects_visible_headers(client, tenant_a, make_call):
    make_call(tenant_a, custom_headers={"X-Secret": "1", "X-Customer": "7"})
    user_create(username="hedda", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True},
                custom_headers_cdr="X-Customer")  # fmt: skip
    sql_login(client, user="hedda")
    assert_legacy_error(listing(client, **FROM, **{"fcustom_header__X-Secret": "1"}), "X-Secret")
    row = listing(client, **FROM, **{"fcustom_header__X-Customer": "7"})["results"][0]
    assert row["custom_header__X-Customer"] == "7" and "custom_header__X-Secret" not in row


def test_listing_needs_a_session(client, three):
    body = sql_get(client, task="LISTING", module="CDR", **FROM)
    assert body["error"] == {"type": "no_session"}


def test_listing_needs_can_cdr(client, tenant_a):
    user_create(username="nocdr", tenant=tenant_a, password=PASSWORD)
    sql_login(client, user="nocdr")
    assert_legacy_error(listing(client, **FROM), "can_cdr")
