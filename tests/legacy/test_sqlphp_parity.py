"""One FilterSet: a table of filter combinations through sql.php LISTING, getVoipCalls (where the filter
exists there) and REST gives the same calls, and those are the calls a plain Python predicate picks."""

import ipaddress

import pytest
from rest_framework.test import APIClient

from apps.accounts.services import apitoken_issue
from apps.legacy.rows import whole_seconds
from tests.cdr.corpus import ge, le, lt, make_corpus, utc

from .helpers import calls, ids_of, listing_ids, sql_login

pytestmark = pytest.mark.django_db

FROM = {"fdatefrom": "2024-03-01"}


def in_net(address, network):
    return address is not None and ipaddress.ip_address(address) in ipaddress.ip_network(network)


# (sql.php filters, REST filters, getVoipCalls params or None, which calls should match)
CASES = [
    (
        {"fdatefrom": "2024-03-06 00:00:00", "fdateto": "2024-03-07T12:00:00"},
        {"calldate_from": "2024-03-06T00:00:00", "calldate_to": "2024-03-07T12:00:00"},
        {"startTime": "2024-03-06 00:00:00", "startTimeTo": "2024-03-07 12:00:00"},
        lambda c: utc("2024-03-05 23:00:00") <= c.calldate <= utc("2024-03-07 11:00:00"),  # Prague is UTC+1
    ),
    ({"fcaller": "0044%"}, {"caller": "0044%"}, {"caller": "0044%"}, lambda c: c.caller.startswith("0044")),
    ({"fcalled": "%5"}, {"called": "%5"}, {"called": "%5"}, lambda c: c.called.endswith("5")),
    (
        {"fcaller": "420%", "fcallerd_type": "0"},
        {"caller": "420%", "number_mode": "or"},
        {"msisdn": "420%"},
        lambda c: c.caller.startswith("420") or c.called.startswith("420"),
    ),
    (
        {"fcaller": "420%", "fcalled": "0049%", "fcallerd_type": "1"},
        {"caller": "420%", "called": "0049%", "number_mode": "and"},
        {"caller": "420%", "called": "0049%"},
        lambda c: c.caller.startswith("420") and c.called.startswith("0049"),
    ),
    (
        {"fcaller": "0044%", "fcalled": "1%", "fcallerd_type": "0"},
        {"caller": "0044%", "called": "1%", "number_mode": "0"},
        None,
        lambda c: c.caller.startswith("0044") or c.called.startswith("1"),
    ),
    (
        {"fcaller_domain": "voice.example.com", "fcallerd_domain_type": "0"},
        {"caller_domain": "voice.example.com", "domain_mode": "or"},
        None,
        lambda c: "voice.example.com" in (c.caller_domain, c.called_domain),
    ),
    ({"fcallername": "Bob%"}, {"callername": "Bob%"}, None, lambda c: c.callername.startswith("Bob")),
    (
        {"fsipcallerip": "192.0.2.0/28"},
        {"sipcallerip": "192.0.2.0/28"},
        None,
        lambda c: in_net(c.sipcallerip, "192.0.2.0/28"),
    ),
    (
        {"fsipcallerip": "198.51.100.0/28", "fsipcallerdip_type": "0"},
        {"sipcallerip": "198.51.100.0/28", "sip_ip_mode": "or"},
        None,
        lambda c: in_net(c.sipcallerip, "198.51.100.0/28") or in_net(c.sipcalledip, "198.51.100.0/28"),
    ),
    (
        {"fsipcallerport": "5080", "fsipcalledport": "5060"},
        {"sipcallerport": "5080", "sipcalledport": "5060"},
        None,
        lambda c: c.sipcallerport == 5080 and c.sipcalledport == 5060,
    ),
    ({"fa_saddr": "10.0.1.0/24"}, {"a_saddr": "10.0.1.0/24"}, None, lambda c: in_net(c.a_saddr, "10.0.1.0/24")),
    (
        {"fa_saddr": "10.1.1.0/24", "fab_saddr_type": "0"},
        {"a_saddr": "10.1.1.0/24", "rtp_ip_mode": "or"},
        None,
        lambda c: in_net(c.a_saddr, "10.1.1.0/24") or in_net(c.b_saddr, "10.1.1.0/24"),
    ),
    ({"fsipresponse": "4"}, {"last_sip_response": "4"}, None, lambda c: 400 <= c.lastSIPresponseNum < 500),
    ({"fsipresponse": "503"}, {"last_sip_response": "503"}, None, lambda c: c.lastSIPresponseNum == 503),
    (
        {"fdurationgt": "60", "fdurationlt": "200"},
        {"duration_whole_gt": "60", "duration_whole_lt": "200"},
        None,
        lambda c: 60 < whole_seconds(c.duration) < 200,
    ),
    (
        {"fconnect_durationgt": "100"},
        {"connect_duration_whole_gt": "100"},
        None,
        lambda c: c.connect_duration is not None and whole_seconds(c.connect_duration) > 100,
    ),
    ({"fpddgt": "2", "fpddlt": "3.5"}, {"pdd_gt": "2", "pdd_lt": "3.5"}, None, lambda c: 2 < c.progress_time < 3.5),
    ({"fringinggt": "10"}, {"ringing_gt": "10"}, None, lambda c: c.ringing_time is not None and c.ringing_time > 10),
    ({"fsensor_id": "2"}, {"id_sensor": "2"}, {"id_sensor": 2}, lambda c: c.id_sensor == 2),
    ({"fcodec": "0,8"}, {"codec": "0,8"}, None, lambda c: c.payload in (0, 8)),
    ({"fexclude_codec": "8"}, {"exclude_codec": "8"}, None, lambda c: c.payload != 8),
    ({"fbye": "0,1"}, {"bye": "0,1"}, None, lambda c: c.bye in (0, 1)),
    ({"fwho_hangup": "callee"}, {"whohanged": "callee"}, None, lambda c: c.whohanged == "callee"),
    (
        {"fa_ua": "Yealink%", "fb_ua": "%Linphone%"},
        {"a_ua": "Yealink%", "b_ua": "%Linphone%"},
        None,
        lambda c: c.a_ua.startswith("Yealink") and "Linphone" in c.b_ua,
    ),
    (
        {"fcustom_header__X-Customer": "41"},
        {"custom_header__X-Customer": "41"},
        None,
        lambda c: c.custom_headers.get("X-Customer") == "41",
    ),
    ({"fmosf1": "4.0"}, {"a_mos_f1_lte": "4.0"}, None, lambda c: le(c.a_mos_f1_mult10, 40)),
    ({"fmosf1_called": "3.5"}, {"b_mos_f1_lte": "3.5"}, None, lambda c: le(c.b_mos_f1_mult10, 35)),
    (
        {"fmosf2": "3.8", "fmos_callerd_type": "0"},
        {"a_mos_f2_lte": "3.8", "mos_mode": "or"},
        None,
        lambda c: le(c.a_mos_f2_mult10, 38) or le(c.b_mos_f2_mult10, 38),
    ),
    (
        {"fmosf1": "4.2", "fmosf1_called": "3.6", "fmos_callerd_type": "1"},
        {"a_mos_f1_lte": "4.2", "b_mos_f1_lte": "3.6", "mos_mode": "and"},
        None,
        lambda c: le(c.a_mos_f1_mult10, 42) and le(c.b_mos_f1_mult10, 36),
    ),
    ({"fmosadapt_called": "3.3"}, {"b_mos_adapt_lte": "3.3"}, None, lambda c: le(c.b_mos_adapt_mult10, 33)),
    (
        {"frtcp_maxjitter": "30", "frtcp_avgjitter_called": "20"},
        {"a_rtcp_maxjitter_gte": "30", "b_rtcp_avgjitter_gte": "20"},
        None,
        lambda c: ge(c.a_rtcp_maxjitter, 30) and ge(c.b_rtcp_avgjitter_mult10, 200),
    ),
    (
        {"frtcp_maxfr": "10", "frtcp_callerd_type": "0"},
        {"a_rtcp_maxfr_gte": "10", "rtcp_mode": "or"},
        None,
        lambda c: ge(c.a_rtcp_maxfr, 25.6) or ge(c.b_rtcp_maxfr, 25.6),  # 10 % of 256
    ),
    ({"frtcp_avgfr": "5"}, {"a_rtcp_avgfr_gte": "5"}, None, lambda c: ge(c.a_rtcp_avgfr_mult10, 128)),
    (
        {"floss1": "2", "floss5_called": "5"},
        {"a_sl1_gte": "2", "b_sl5_gte": "5"},
        None,
        lambda c: ge(c.a_sl1, 2) and ge(c.b_sl5, 5),
    ),
    (
        {"floss3": "5", "floss_callerd_type": "0"},
        {"a_sl3_gte": "5", "loss_mode": "or"},
        None,
        lambda c: ge(c.a_sl3, 5) or ge(c.b_sl3, 5),
    ),
    (
        {"f_d50": "3", "f_d300_called": "8"},
        {"a_d50_gte": "3", "b_d300_gte": "8"},
        None,
        lambda c: ge(c.a_d50, 3) and ge(c.b_d300, 8),
    ),
    (
        {"f_d120": "8", "f_d_callerd_type": "0"},
        {"a_d120_gte": "8", "delay_mode": "or"},
        None,
        lambda c: ge(c.a_d120, 8) or ge(c.b_d120, 8),
    ),
    (
        {"fjitter_max_ge": "20", "fjitter_max_lt": "50"},
        {"a_jitter_max_gte": "20", "a_jitter_max_lt": "50"},
        None,
        lambda c: ge(c.a_maxjitter, 20) and lt(c.a_maxjitter, 50),
    ),
    (
        {"fjitter_avg_ge": "10", "fjitter_avg_lt": "20", "fjitter_callerd_type": "0"},
        {"a_jitter_avg_gte": "10", "a_jitter_avg_lt": "20", "jitter_mode": "or"},
        None,
        lambda c: any(ge(v, 100) and lt(v, 200) for v in (c.a_avgjitter_mult10, c.b_avgjitter_mult10)),
    ),
    (
        {"fmos_min_ge": "3.5", "fmos_min_lt": "4.0"},
        {"a_mos_min_gte": "3.5", "a_mos_min_lt": "4.0"},
        None,
        lambda c: ge(c.a_mos_f2_mult10, 35) and lt(c.a_mos_f2_mult10, 40),
    ),
    (
        {"fpacket_loss_perc_ge": "1.5", "fpacket_loss_perc_lt_called": "0.5"},
        {"a_packet_loss_perc_gte": "1.5", "b_packet_loss_perc_lt": "0.5"},
        None,
        lambda c: ge(c.a_packet_loss_perc_mult1000, 1500) and lt(c.b_packet_loss_perc_mult1000, 500),
    ),
    (
        {"fdelay_avg_ge": "40", "fdelay_avg_lt_called": "30"},
        {"a_delay_avg_gte": "40", "b_delay_avg_lt": "30"},
        None,
        lambda c: ge(c.a_delay_avg_mult100, 4000) and lt(c.b_delay_avg_mult100, 3000),
    ),
    (
        {
            "fdatefrom": "2024-03-05",
            "fdateto": "2024-03-08 23:00",
            "fcaller": "420%",
            "fsipresponse": "2",
            "fcodec": "0,8,9",
            "fmosf1": "4.4",
            "floss1": "0",
            "fdurationgt": "10",
            "fdurationlt": "290",
            "fsensor_id": "1",
        },
        {
            "calldate_from": "2024-03-05T00:00:00",
            "calldate_to": "2024-03-08T23:00:00",
            "caller": "420%",
            "last_sip_response": "2",
            "codec": "0,8,9",
            "a_mos_f1_lte": "4.4",
            "a_sl1_gte": "0",
            "duration_whole_gt": "10",
            "duration_whole_lt": "290",
            "id_sensor": "1",
        },
        None,
        lambda c: (
            c.caller.startswith("420")
            and c.lastSIPresponseNum == 200
            and c.payload in (0, 8, 9)
            and le(c.a_mos_f1_mult10, 44)
            and ge(c.a_sl1, 0)
            and 10 < whole_seconds(c.duration) < 290
            and c.id_sensor == 1
        ),
    ),
]


@pytest.fixture
def corpus(tenant_a, tenant_b, user_a, user_b, make_call):
    return make_corpus(make_call, tenant_a, tenant_b)


def rest_ids(user, filters):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {apitoken_issue(user=user)}")
    response = client.get("/api/v1/calls/", {**filters, "page_size": 1000})
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


@pytest.mark.parametrize("sql,rest,voipcalls,expected", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_sqlphp_getvoipcalls_and_rest_agree(client, corpus, user_a, sql, rest, voipcalls, expected):
    want = sorted(c.pk for c in corpus if expected(c))
    assert 0 < len(want) < len(corpus), "the case must keep some calls and drop others"
    sql_login(client)
    assert listing_ids(client, **{**FROM, **sql}) == want
    assert rest_ids(user_a, rest) == want
    if voipcalls is not None:
        assert ids_of(calls(client, {"startTime": "2024-03-01", **voipcalls}, user="arthur")) == want
