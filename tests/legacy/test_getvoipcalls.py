"""getVoipCalls through /php/api.php: every parameter, every request form, every bad input."""

import json

import pytest

from tests.conftest import PASSWORD

from .helpers import api_get, assert_legacy_error, calls, ids_of

# getVoipCalls' row keys, written out from ../shared/spec/legacy-api.md ("Task responses") and the columns
# of ../shared/spec/cdr-model.md it names: the quality columns per direction, and the call-level
# aggregates. Not imported from apps/legacy: this list is the oracle the code is checked against.
SPEC_ROW_KEYS = [
    "cdrId", "ID", "callId", "callid", "calldate", "callend", "duration", "connect_duration",
    "caller", "called", "caller_domain", "called_domain", "callername", "sipcallerip", "sipcalledip",
    "sipcallerport", "sipcalledport", "codec_a", "codec_b", "a_payload", "b_payload",
    "lastSIPresponseNum", "lastSIPresponse", "bye", "whohanged", "id_sensor",
]  # fmt: skip
SPEC_DIRECTION_COLUMNS = [
    "saddr", "ua", "rtp_ptime", "received", "lost", "reordered", "packet_loss_perc_mult1000",
    "avgjitter_mult10", "maxjitter",
    "sl1", "sl2", "sl3", "sl4", "sl5", "sl6", "sl7", "sl8", "sl9", "sl10",
    "d50", "d70", "d90", "d120", "d150", "d200", "d300", "delay_sum", "delay_cnt", "delay_avg_mult100",
    "mos_f1_mult10", "mos_f2_mult10", "mos_adapt_mult10",
    "mos_f1_min_mult10", "mos_f2_min_mult10", "mos_adapt_min_mult10", "mos_xr_mult10",
    "rtcp_loss", "rtcp_maxfr", "rtcp_avgfr_mult10", "rtcp_maxjitter", "rtcp_avgjitter_mult10",
    "rtcp_avgrtd_mult10", "rtcp_maxrtd_mult10",
]  # fmt: skip
SPEC_CALL_AGGREGATES = [
    "payload", "jitter_mult10", "packet_loss_perc_mult1000", "lost", "mos_min_mult10",
    "delay_sum", "delay_cnt", "delay_avg_mult100", "rtcp_avgfr_mult10", "rtcp_avgjitter_mult10",
]  # fmt: skip

pytestmark = pytest.mark.django_db

START = {"startTime": "2024-03-01"}


@pytest.fixture
def two_tenants_calls(tenant_a, tenant_b, user_a, user_b, make_call):
    mine = make_call(tenant_a, caller="0044111", called="420700")
    theirs = make_call(tenant_b, caller="0044111", called="420700")
    return mine, theirs


def test_getvoipcalls_excludes_other_tenant(client, two_tenants_calls):
    mine, theirs = two_tenants_calls
    assert ids_of(calls(client, START, user="arthur")) == [mine.pk]
    assert ids_of(calls(client, START, user="bob")) == [theirs.pk]


def test_getvoipcalls_other_tenant_cdrid_is_not_found(client, two_tenants_calls):
    _mine, theirs = two_tenants_calls
    body = calls(client, {**START, "cdrId": theirs.pk}, user="arthur")
    assert_legacy_error(body, "not found")


def test_getvoipcalls_row_has_legacy_keys(client, tenant_a, user_a, make_call):
    call = make_call(
        tenant_a,
        calldate="2024-03-05 10:00:00",
        duration=61.6,
        connect_duration=50.2,
        custom_headers={"X-Customer": "42"},
        a_received=100,
        a_mos_f1_mult10=43,
    )
    body = calls(client, {**START, "customHeaders": "X-Customer"}, user="arthur")
    assert body["total"] == 1
    row = body["cdr"][0]
    assert row["cdrId"] == row["ID"] == call.pk
    assert row["callId"] == row["callid"] == call.callid
    # Europe/Prague is UTC+1 in March: legacy datetimes are in the tenant's time zone
    assert row["calldate"] == "2024-03-05 11:00:00"
    assert row["callend"] == "2024-03-05 11:01:01"
    assert (row["duration"], row["connect_duration"]) == (62, 50)
    assert row["sipcallerip"] == "192.0.2.10"
    assert (row["codec_a"], row["codec_b"]) == ("PCMA", "PCMA")
    assert row["X-Customer"] == "42"
    assert row["a_received"] == 100 and row["a_mos_f1_mult10"] == 43
    for key in (
        "caller",
        "called",
        "caller_domain",
        "called_domain",
        "callername",
        "sipcalledip",
        "sipcallerport",
        "sipcalledport",
        "a_payload",
        "b_payload",
        "lastSIPresponseNum",
        "lastSIPresponse",
        "bye",
        "whohanged",
        "id_sensor",
        *(f"{side}_{name}" for side in ("a", "b") for name in SPEC_DIRECTION_COLUMNS),
    ):
        assert key in row, key


def test_getvoipcalls_row_keys_are_exactly_the_legacy_set(client, tenant_a, user_a, make_call):
    make_call(tenant_a, custom_headers={"X-Customer": "42", "X-Other": "7"})
    directions = {f"{side}_{name}" for side in ("a", "b") for name in SPEC_DIRECTION_COLUMNS}
    legacy = {*SPEC_ROW_KEYS, *directions, *SPEC_CALL_AGGREGATES}
    row = calls(client, START, user="arthur")["cdr"][0]
    assert set(row) == legacy  # no raw `id`, no `custom_headers` object when no header is asked for
    row = calls(client, {**START, "customHeaders": "X-Other"}, user="arthur")["cdr"][0]
    assert set(row) == legacy | {"X-Other"} and row["X-Other"] == "7"


def test_starttime_and_starttimeto_bound_the_window_in_tenant_time(client, tenant_a, user_a, make_call):
    early = make_call(tenant_a, calldate="2024-03-04 22:30:00")  # 23:30 Prague on the 4th
    late = make_call(tenant_a, calldate="2024-03-04 23:30:00")  # 00:30 Prague on the 5th
    assert ids_of(calls(client, {"startTime": "2024-03-05 00:00:00"}, user="arthur")) == [late.pk]
    assert ids_of(calls(client, {"startTime": "2024-03-04", "startTimeTo": "2024-03-05"}, user="arthur")) == [early.pk]
    # endTime is the older name of startTimeTo
    assert ids_of(calls(client, {"startTime": "2024-03-04", "endTime": "2024-03-05"}, user="arthur")) == [early.pk]


def test_callend_bounds_the_end(client, tenant_a, user_a, make_call):
    short = make_call(tenant_a, calldate="2024-03-05 10:00:00", duration=30)
    make_call(tenant_a, calldate="2024-03-05 10:00:00", duration=600)
    body = calls(client, {**START, "callEnd": "2024-03-05 11:01:00"}, user="arthur")
    assert ids_of(body) == [short.pk]


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"caller": "0044111"}, {"intl"}),
        ({"caller": "00%"}, {"intl"}),
        ({"caller": "%111"}, {"intl"}),
        ({"called": "4207%"}, {"intl", "nat"}),
        ({"caller": "0044111", "called": "420800"}, set()),
        ({"msisdn": "420601"}, {"nat", "rev"}),
        ({"msisdn": "42060%"}, {"nat", "rev"}),
        ({"msisdn": True, "caller": "420601"}, {"nat", "rev"}),
    ],
)
def test_number_parameters(client, tenant_a, user_a, make_call, params, expected):
    made = {
        "intl": make_call(tenant_a, caller="0044111", called="420700"),
        "nat": make_call(tenant_a, caller="420601", called="420701"),
        "rev": make_call(tenant_a, caller="420999", called="420601"),
    }
    body = calls(client, {**START, **params}, user="arthur")
    assert ids_of(body) == sorted(made[name].pk for name in expected)


def test_underscore_and_quote_in_numbers_are_data(client, tenant_a, user_a, make_call):
    odd = make_call(tenant_a, caller="12_4", called="x'y")
    make_call(tenant_a, caller="1234", called="xzy")
    assert ids_of(calls(client, {**START, "caller": "12_4"}, user="arthur")) == [odd.pk]
    assert ids_of(calls(client, {**START, "called": "x'y"}, user="arthur")) == [odd.pk]
    assert ids_of(calls(client, {**START, "called": "x' OR '1'='1"}, user="arthur")) == []


def test_callid_cdrid_sensor_and_connected(client, tenant_a, user_a, make_call):
    answered = make_call(tenant_a, id_sensor=1)
    failed = make_call(tenant_a, id_sensor=2, connect_duration=None, lastSIPresponseNum=486, bye=0)
    assert ids_of(calls(client, {**START, "callId": failed.callid}, user="arthur")) == [failed.pk]
    assert ids_of(calls(client, {**START, "cdrId": answered.pk}, user="arthur")) == [answered.pk]
    assert ids_of(calls(client, {**START, "cdrId": str(answered.pk)}, user="arthur")) == [answered.pk]
    assert ids_of(calls(client, {**START, "id_sensor": 2}, user="arthur")) == [failed.pk]
    assert ids_of(calls(client, {**START, "onlyConnected": 1}, user="arthur")) == [answered.pk]
    assert ids_of(calls(client, {**START, "onlyConnected": "0"}, user="arthur")) == sorted([answered.pk, failed.pk])


def test_custom_headers_limited_to_what_the_user_may_see(client, tenant_a, make_call):
    from apps.users.services import user_create

    user_create(
        username="cora", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True}, custom_headers_cdr="X-Visible"
    )
    make_call(tenant_a, custom_headers={"X-Visible": "yes", "X-Secret": "no"})
    row = calls(client, {**START, "customHeaders": "X-Visible,X-Secret"}, user="cora")["cdr"][0]
    assert row["X-Visible"] == "yes"
    assert "X-Secret" not in row


def test_sensor_restricted_user_sees_only_their_sensor(client, tenant_a, restricted_a, make_call):
    make_call(tenant_a, id_sensor=1)
    two = make_call(tenant_a, id_sensor=2)
    assert ids_of(calls(client, START, user="rita")) == [two.pk]


def test_post_json_body_form_content_type(client, tenant_a, user_a, make_call):
    """The spec's `echo '{...}' | curl -X POST -d @-`: JSON sent with a form content type."""
    call = make_call(tenant_a)
    body = json.dumps(
        {
            "task": "getVoipCalls",
            "user": "arthur",
            "password": PASSWORD,
            "params": {"startTime": "2024-01-01", "callId": call.callid},
        }
    )
    response = client.post("/php/api.php", body, content_type="application/x-www-form-urlencoded")
    assert ids_of(response.json()) == [call.pk]


def test_get_with_params_as_json_string(client, tenant_a, user_a, make_call):
    """The spec's first curl example and its `curl -G --data-urlencode` form."""
    call = make_call(tenant_a, caller="123456")
    response = client.get(
        f"/php/api.php?task=getVoipCalls&user=arthur&password={PASSWORD}"
        '&params={"startTime":"2024-01-01","startTimeTo":"2024-12-31","caller":"123456"}'
    )
    assert ids_of(response.json()) == [call.pk]


def test_wildcard_urlencoded_per_spec(client, tenant_a, user_a, make_call):
    """The spec's wildcard example: `%2500%25` inside params, url-encoded once more by curl."""
    call = make_call(tenant_a, caller="00420123")
    make_call(tenant_a, caller="420123")
    response = client.get(
        "/php/api.php",
        {
            "task": "getVoipCalls",
            "user": "arthur",
            "password": PASSWORD,
            "params": '{"startTime":"2024-01-01","caller":"00%"}',
        },
    )
    assert ids_of(response.json()) == [call.pk]


@pytest.mark.parametrize("form", ["brackets", "single_quotes", "json_object_in_body", "form_post"])
def test_other_params_encodings(client, tenant_a, user_a, make_call, form):
    call = make_call(tenant_a)
    if form == "brackets":
        response = client.get(
            "/php/api.php",
            {
                "task": "getVoipCalls",
                "user": "arthur",
                "password": PASSWORD,
                "params[startTime]": "2024-01-01",
                "params[callId]": call.callid,
            },
        )
    elif form == "single_quotes":
        response = client.get(
            "/php/api.php",
            {
                "task": "getVoipCalls",
                "user": "arthur",
                "password": PASSWORD,
                "params": f"{{'startTime': '2024-01-01', 'cdrId': {call.pk}}}",
            },
        )
    elif form == "json_object_in_body":
        response = client.post(
            "/php/api.php",
            {
                "task": "getVoipCalls",
                "user": "arthur",
                "password": PASSWORD,
                "params": {"startTime": "2024-01-01", "cdrId": call.pk},
            },
            content_type="application/json",
        )
    else:
        response = client.post(
            "/php/api.php",
            {
                "task": "getVoipCalls",
                "user": "arthur",
                "password": PASSWORD,
                "params": json.dumps({"startTime": "2024-01-01", "cdrId": call.pk}),
            },
        )
    assert ids_of(response.json()) == [call.pk]


def test_params_array_runs_each_query(client, tenant_a, user_a, make_call):
    one, two = make_call(tenant_a, caller="111"), make_call(tenant_a, caller="222")
    make_call(tenant_a, caller="333")
    body = calls(client, [{**START, "caller": "111"}, {**START, "caller": "222"}], user="arthur")
    assert ids_of(body) == sorted([one.pk, two.pk]) and body["total"] == 2


def test_list_cdr_ids_pages_by_id_and_isolates(client, two_tenants_calls, make_call, tenant_a):
    mine, _theirs = two_tenants_calls
    second = make_call(tenant_a)
    body = api_get(client, "listCdrIds", {"offset": 0, "size": 1}, user="arthur")
    assert body["success"] and body["total"] == 2
    assert [row["cdrId"] for row in body["cdr"]] == [mine.pk]
    assert set(body["cdr"][0]) == {"cdrId", "calldate", "caller", "called"}
    body = api_get(client, "listCdrIds", {"offset": 1, "size": 5}, user="arthur")
    assert [row["cdrId"] for row in body["cdr"]] == [second.pk]


@pytest.mark.parametrize(
    "params,fragment",
    [
        ({}, "startTime is required"),
        ({"caller": "1"}, "startTime is required"),
        ({"startTime": "yesterday-ish"}, "calldate_from"),
        ({"startTime": "2024-13-45"}, "calldate_from"),
        ({**START, "cdrId": "12abc"}, "cdrId must be a number"),
        ({**START, "cdrId": 999999999}, "not found"),
        ({**START, "bogus": 1}, "Unknown parameter: bogus"),
        ({**START, "id_sensor": "one"}, "id_sensor"),
    ],
)
def test_bad_parameters_get_legacy_errors(client, user_a, params, fragment):
    assert_legacy_error(calls(client, params, user="arthur"), fragment)


def test_malformed_json_params(client, user_a):
    body = api_get(client, "getVoipCalls", '{"startTime": "2024-01-01"', user="arthur")
    assert_legacy_error(body, "Malformed JSON")


def test_malformed_json_body(client, user_a):
    response = client.post("/php/api.php", '{"task": "getVoipCalls", "user": ', content_type="application/json")
    assert_legacy_error(response.json(), "Malformed JSON")


def test_unknown_and_missing_task(client, user_a):
    assert_legacy_error(api_get(client, "dropTables", {}, user="arthur"), "Unknown task: dropTables")
    assert_legacy_error(client.get("/php/api.php", {"user": "arthur"}).json(), "task parameter missing")


def test_wrong_password_unknown_user_and_blocked(client, tenant_a, user_a):
    from apps.users.services import user_create

    assert_legacy_error(api_get(client, "getVoipCalls", START, user="arthur", password="nope"), "Wrong user name")
    assert_legacy_error(api_get(client, "getVoipCalls", START, user="nobody"), "Wrong user name")
    user_create(
        username="blocky",
        tenant=tenant_a,
        password=PASSWORD,
        flags={"can_cdr": True},
        blocked=True,
        blocked_reason="unpaid invoice",
    )
    assert_legacy_error(api_get(client, "getVoipCalls", START, user="blocky"), "unpaid invoice")


def test_cached_credentials_do_not_survive_a_password_change(client, tenant_a, user_a, make_call):
    make_call(tenant_a)
    assert calls(client, START, user="arthur")["success"] is True
    user_a.set_password("another-Pa55")
    user_a.save()
    assert_legacy_error(calls(client, START, user="arthur"), "Wrong user name")


def test_missing_capability_is_refused(client, tenant_a):
    from apps.users.services import user_create

    user_create(username="nocdr", tenant=tenant_a, password=PASSWORD)
    assert_legacy_error(api_get(client, "getVoipCalls", START, user="nocdr"), "can_cdr")


def test_api_php_without_php_dir_names_the_right_path(client):
    body = client.get("/api.php", {"task": "getVoipCalls"}).json()
    assert_legacy_error(body, "action parameter missing")
    assert "/php/api.php" in body["error"]


def test_custom_header_asked_for_on_a_call_without_any(client, tenant_a, user_a, make_call):
    make_call(tenant_a)  # custom_headers stays {}
    body = calls(client, {**START, "customHeaders": "X-Customer"}, user="arthur")
    assert body["success"] is True, body
    assert body["cdr"][0]["X-Customer"] is None
