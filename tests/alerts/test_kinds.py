"""Each kind fires on seeded calls when the independently counted matches reach the threshold, and not below."""

import datetime as dt

import pytest

from apps.alerts.models import AlertEvent

from . import oracle
from .oracle import at

pytestmark = pytest.mark.django_db
END = at("2024-03-05 10:05:00")  # window [10:00, 10:05) UTC, a Tuesday, 11:00 in Prague
START = END - dt.timedelta(minutes=5)
GOOD = {
    "mos_min_mult10": 43, "packet_loss_perc_mult1000": 0, "jitter_mult10": 50, "delay_avg_mult100": 0,
    "progress_time": 1.0, "a_received": 500, "b_received": 500, "lastSIPresponseNum": 200, "called": "420602000002",
}  # fmt: skip
CASES = {  # kind -> (params, fields of a matching call)
    "mos": ({"value": 3.5}, {"mos_min_mult10": 30}),
    "loss": ({"value": 5}, {"packet_loss_perc_mult1000": 6000}),
    "jitter": ({"value": 30}, {"jitter_mult10": 400}),
    "delay": ({"value": 50}, {"delay_avg_mult100": 9000}),
    "pdd": ({"value": 5}, {"progress_time": 8.0}),
    "one_way": ({}, {"a_received": 500, "b_received": 0}),
    "missing_rtp": ({}, {"a_received": 0, "b_received": 0}),
    "sip_response": ({"codes": ["486", "5xx"]}, {"lastSIPresponseNum": 503, "connect_duration": None}),
    "destination": ({"allow": ["420"]}, {"called": "882100000"}),
}


def make_calls(make_call, tenant, kind, matching, good):
    fields = CASES[kind][1]
    for i in range(matching):
        make_call(tenant, calldate=f"2024-03-05 10:0{i}:10", duration=30, **{**GOOD, **fields})
    for i in range(good):
        make_call(tenant, calldate=f"2024-03-05 10:0{i}:20", duration=30, **GOOD)


def expected(tenant, kind, params, threshold):
    calls = [r for r in oracle.rows(tenant) if oracle.ended_in(r, START, END)]
    count = sum(oracle.bad(kind, params, r) for r in calls)
    return count, count >= threshold and count > 0


@pytest.mark.parametrize("kind", sorted(CASES))
def test_kind_fires_exactly_at_the_threshold(tenant_a, make_call, rule_make, evaluate, kind):
    params = CASES[kind][0]
    make_calls(make_call, tenant_a, kind, matching=3, good=2)
    rule = rule_make(tenant_a, kind, params=params, threshold=3)
    count, fires = expected(tenant_a, kind, params, 3)
    assert fires and count == 3  # the scenario is what it claims
    (event,) = evaluate(tenant_a, END)
    assert (event.rule, event.measured, event.threshold, event.call_count) == (rule, 3.0, 3.0, 3)
    assert sorted(event.call_ids) == sorted(
        r["id"] for r in oracle.rows(tenant_a) if oracle.ended_in(r, START, END) and oracle.bad(kind, params, r)
    )


@pytest.mark.parametrize("kind", sorted(CASES))
def test_kind_stays_quiet_below_the_threshold(tenant_a, make_call, rule_make, evaluate, kind):
    params = CASES[kind][0]
    make_calls(make_call, tenant_a, kind, matching=2, good=3)
    rule_make(tenant_a, kind, params=params, threshold=3)
    count, fires = expected(tenant_a, kind, params, 3)
    assert count == 2 and not fires
    assert evaluate(tenant_a, END) == []


def test_sip_response_zero_is_an_invite_never_answered(tenant_a, make_call, rule_make, evaluate):
    make_call(tenant_a, calldate="2024-03-05 10:01:00", duration=32, lastSIPresponseNum=0, connect_duration=None)
    make_call(tenant_a, calldate="2024-03-05 10:02:00", duration=5, lastSIPresponseNum=487, connect_duration=None)
    rule_make(tenant_a, "sip_response", params={"codes": ["0"]}, threshold=1)
    calls = [r for r in oracle.rows(tenant_a) if oracle.bad("sip_response", {"codes": ["0"]}, r)]
    (event,) = evaluate(tenant_a, END)
    assert event.call_ids == [r["id"] for r in calls] and len(calls) == 1


def test_sip_response_every_attempt_to_an_emergency_number(tenant_a, make_call, rule_make, evaluate):
    make_call(tenant_a, calldate="2024-03-05 10:01:00", called="112")
    make_call(tenant_a, calldate="2024-03-05 10:02:00", called="420602000002")
    rule_make(tenant_a, "sip_response", params={"every": True}, filters={"called": "112"}, threshold=1)
    (event,) = evaluate(tenant_a, END)
    assert event.call_ids == [r["id"] for r in oracle.rows(tenant_a) if r["called"] == "112"]


@pytest.mark.parametrize(("mode", "fires"), [("percent_filtered", True), ("percent_all", False), ("calls", False)])
def test_count_modes(tenant_a, make_call, rule_make, evaluate, mode, fires):
    """Sensor 1: 2 lossy of 4; sensor 2: 4 clean. Filtered share 50 %, of all 25 %; 2 calls."""
    for i in range(4):
        make_call(
            tenant_a, calldate=f"2024-03-05 10:0{i}:00", id_sensor=1, packet_loss_perc_mult1000=9000 if i < 2 else 0
        )
        make_call(tenant_a, calldate=f"2024-03-05 10:0{i}:30", id_sensor=2, packet_loss_perc_mult1000=0)
    rule_make(
        tenant_a,
        "loss",
        params={"value": 5},
        filters={"id_sensor": "1"},
        count_mode=mode,
        threshold=50 if mode != "calls" else 3,
    )
    calls = [r for r in oracle.rows(tenant_a) if oracle.ended_in(r, START, END)]
    lossy = [r for r in calls if oracle.bad("loss", {"value": 5}, r) and r["id_sensor"] == 1]
    share = {"percent_filtered": 100 * len(lossy) / sum(r["id_sensor"] == 1 for r in calls),
             "percent_all": 100 * len(lossy) / len(calls), "calls": len(lossy)}[mode]  # fmt: skip
    assert (share >= (50 if mode != "calls" else 3)) is fires
    events = evaluate(tenant_a, END)
    assert len(events) == int(fires)
    if fires:
        assert events[0].measured == pytest.approx(share)


def sequential_calls(make_call, tenant, n):
    for i in range(n):
        make_call(tenant, calldate=f"2024-03-05 10:0{i}:00", duration=20, called="882100111")
    make_call(tenant, calldate="2024-03-05 10:01:30", duration=20, called="420600000")


@pytest.mark.parametrize(("n", "fires"), [(3, True), (2, False)])
def test_sequential_calls_to_one_destination(tenant_a, make_call, rule_make, evaluate, n, fires):
    sequential_calls(make_call, tenant_a, n)
    rule_make(tenant_a, "sequential", threshold=3)
    per_called = {}
    for r in oracle.rows(tenant_a):
        if oracle.ended_in(r, START, END):
            per_called.setdefault(r["called"], []).append(r["id"])
    expected_subjects = {c: ids for c, ids in per_called.items() if len(ids) >= 3}
    assert bool(expected_subjects) is fires
    events = evaluate(tenant_a, END)
    assert {e.subject: sorted(e.call_ids) for e in events} == {c: sorted(i) for c, i in expected_subjects.items()}


@pytest.mark.parametrize(("overlap", "fires"), [(True, True), (False, False)])
@pytest.mark.parametrize("by", ["caller_ip", "called_ip", "caller_number"])
def test_concurrent_calls_by_subject(tenant_a, make_call, rule_make, evaluate, overlap, fires, by):
    """Three calls from one caller IP / to one called IP / from one number: together, or one after another."""
    for i in range(3):
        start = f"2024-03-05 10:01:{i * 10:02d}" if overlap else f"2024-03-05 10:0{i}:00"
        make_call(
            tenant_a, calldate=start, duration=50, sipcallerip="203.0.113.9", sipcalledip="198.51.100.7", caller="777"
        )
    make_call(
        tenant_a,
        calldate="2024-03-05 10:01:05",
        duration=50,
        sipcallerip="192.0.2.1",
        sipcalledip="192.0.2.2",
        caller="1",
    )
    rule_make(tenant_a, "concurrent_calls", params={"by": by}, threshold=3)
    column = {"caller_ip": "sipcallerip", "called_ip": "sipcalledip", "caller_number": "caller"}[by]
    groups = {}
    for r in oracle.rows(tenant_a):
        groups.setdefault(r[column], []).append(r)
    peaks = {k: oracle.peak_by_sampling(v, START, END) for k, v in groups.items()}
    expected_subjects = {str(k): p for k, p in peaks.items() if p >= 3}
    assert bool(expected_subjects) is fires
    assert {e.subject: e.measured for e in evaluate(tenant_a, END)} == expected_subjects


@pytest.mark.parametrize(("minimum", "fires"), [(0, True), (5, False)])
def test_traffic_drop_against_the_previous_window(tenant_a, make_call, rule_make, evaluate, minimum, fires):
    """Four calls over the whole previous window, one over the current one: mean concurrency 4 -> 1 (-75 %)."""
    for _ in range(4):
        make_call(tenant_a, calldate="2024-03-05 09:55:00", duration=300)
    make_call(tenant_a, calldate="2024-03-05 10:00:00", duration=300)
    rule_make(tenant_a, "traffic_drop", params={"by": "percent", "minimum": minimum}, threshold=75)
    calls = oracle.rows(tenant_a)
    before = oracle.mean_concurrency_by_seconds(calls, START - dt.timedelta(minutes=5), START)
    now = oracle.mean_concurrency_by_seconds(calls, START, END)
    drop = 100 * (before - now) / before
    assert (drop >= 75 and before >= minimum) is fires
    events = evaluate(tenant_a, END)
    assert [e.measured for e in events] == ([pytest.approx(drop)] if fires else [])


def test_traffic_drop_in_calls(tenant_a, make_call, rule_make, evaluate):
    for _ in range(4):
        make_call(tenant_a, calldate="2024-03-05 09:55:00", duration=300)
    make_call(tenant_a, calldate="2024-03-05 10:00:00", duration=300)
    rule_make(tenant_a, "traffic_drop", params={"by": "calls"}, threshold=4)  # the drop is 3 calls
    assert evaluate(tenant_a, END) == []


def test_sensor_silence_fires_once_then_recovers(tenant_a, make_call, rule_make, evaluate):
    make_call(tenant_a, calldate="2024-03-05 10:01:00", duration=30, id_sensor=1)
    rule_make(tenant_a, "sensor_silence", window_minutes=5)
    silent = {
        n
        for n in (1, 2)
        if not any(
            r["id_sensor"] == n and (oracle.ended_in(r, START, END) or START <= r["calldate"] < END)
            for r in oracle.rows(tenant_a)
        )
    }
    assert silent == {2}
    (event,) = evaluate(tenant_a, END)
    assert (event.state, event.subject) == (AlertEvent.ALERT, "2")
    later = END + dt.timedelta(minutes=1)
    assert evaluate(tenant_a, later) == []  # still silent: no second alert
    make_call(tenant_a, calldate="2024-03-05 10:05:10", duration=10, id_sensor=2)
    make_call(tenant_a, calldate="2024-03-05 10:05:20", duration=10, id_sensor=1)
    (recovered,) = evaluate(tenant_a, later + dt.timedelta(minutes=1))
    assert (recovered.state, recovered.subject) == (AlertEvent.RECOVERY, "2")


def test_sensor_silence_quiet_when_every_sensor_has_calls(tenant_a, make_call, rule_make, evaluate):
    make_call(tenant_a, calldate="2024-03-05 10:01:00", duration=30, id_sensor=1)
    make_call(tenant_a, calldate="2024-03-05 10:04:50", duration=300, id_sensor=2)  # started in the window
    rule_make(tenant_a, "sensor_silence", window_minutes=5)
    assert evaluate(tenant_a, END) == []


DIALLED = ["420602000002", "00421212345678", "14169795000", "18768765432", "12125550123", "882100000", "112"]


@pytest.mark.parametrize("params", [{"countries": ["CZ", "SK", "CA"]}, {"countries": ["US"], "allow": ["112", "4"]}])
@pytest.mark.parametrize("above", [0, 1])
def test_destination_countries_outside_the_allow_list(tenant_a, make_call, rule_make, evaluate, params, above):
    """+1 876 is Jamaica and +1 416 Canada though both dial +1; +882 (international networks) and 112 have no
    country, so only an allowed prefix lets them through. At the count it fires, one above it does not."""
    for i, called in enumerate(DIALLED):
        make_call(tenant_a, calldate=f"2024-03-05 10:0{i % 4}:{i:02d}", duration=20, called=called)
    bad = [
        r["id"]
        for r in oracle.rows(tenant_a)
        if oracle.ended_in(r, START, END) and oracle.bad("destination", params, r)
    ]
    assert 0 < len(bad) < len(DIALLED)
    rule_make(tenant_a, "destination", params=params, threshold=len(bad) + above)
    events = evaluate(tenant_a, END)
    if above:
        assert events == []
    else:
        (event,) = events
        assert sorted(event.call_ids) == sorted(bad) and event.measured == len(bad)


def live_sensor(tenant, number, last_packet):
    """A HEP sensor whose counters the listener's writer has updated (its last packet at `last_packet`)."""
    from apps.sensors.selectors import sensor_get_for_command
    from apps.sensors.services import sensor_hep_counters_add, sensor_hep_enable

    sensor = sensor_get_for_command(tenant=tenant, id_sensor=number)
    sensor_hep_enable(sensor=sensor, agent_id=7000 + number)
    if last_packet is not None:
        sensor_hep_counters_add(counts={sensor.pk: (10, 1000, {}, last_packet.timestamp())})
    return sensor


@pytest.mark.parametrize(
    ("last_packet", "silent"),
    [
        (None, True),  # never a packet
        (START - dt.timedelta(seconds=1), True),  # older than the window's 5 minutes
        (START, False),  # exactly 5 minutes before the window's end: inside the window
        (END - dt.timedelta(seconds=1), False),
    ],
)
def test_live_sensor_silence_is_no_packet(tenant_a, make_call, rule_make, evaluate, last_packet, silent):
    """Sensor 1 is live (HEP): its packets count, not its calls (it has none here); sensor 2 has a call."""
    make_call(tenant_a, calldate="2024-03-05 10:01:00", duration=30, id_sensor=2)
    live_sensor(tenant_a, 1, last_packet)
    rule_make(tenant_a, "sensor_silence", window_minutes=5)
    from apps.sensors.models import Sensor

    stored = Sensor.objects.get(tenant=tenant_a, id_sensor=1).hep_last_packet_at
    assert (stored is None or stored < END - dt.timedelta(minutes=5)) is silent  # the condition, read by hand
    assert [(e.state, e.subject) for e in evaluate(tenant_a, END)] == ([(AlertEvent.ALERT, "1")] if silent else [])


def test_live_sensor_recovers_when_packets_return(tenant_a, make_call, rule_make, evaluate):
    make_call(tenant_a, calldate="2024-03-05 10:01:00", duration=30, id_sensor=2)
    sensor = live_sensor(tenant_a, 1, START - dt.timedelta(minutes=3))
    rule_make(tenant_a, "sensor_silence", window_minutes=5, sensors=[1])
    (event,) = evaluate(tenant_a, END)
    assert (event.state, event.subject) == (AlertEvent.ALERT, "1")
    assert evaluate(tenant_a, END + dt.timedelta(minutes=1)) == []  # still silent: said once
    from apps.sensors.services import sensor_hep_counters_add

    sensor_hep_counters_add(counts={sensor.pk: (3, 300, {}, (END + dt.timedelta(seconds=70)).timestamp())})
    (recovered,) = evaluate(tenant_a, END + dt.timedelta(minutes=2))
    assert (recovered.state, recovered.subject) == (AlertEvent.RECOVERY, "1")
    assert evaluate(tenant_a, END + dt.timedelta(minutes=3)) == []


@pytest.mark.parametrize("filters", [{}, {"id_sensor": "1"}])
def test_a_busy_span_reads_each_window_through_the_index_alike(
    tenant_a, make_call, rule_make, evaluate, monkeypatch, filters
):
    """Past CANDIDATES calls in a round's span the rules read their windows without the candidate ids."""
    monkeypatch.setattr("apps.alerts.selectors.CANDIDATES", 2)
    make_calls(make_call, tenant_a, "loss", matching=3, good=2)
    make_call(tenant_a, calldate="2024-03-05 09:50:00", duration=30, packet_loss_perc_mult1000=9000)  # before
    rule_make(tenant_a, "loss", params={"value": 5}, threshold=3, filters=filters)
    expected = [
        r["id"] for r in oracle.rows(tenant_a) if oracle.ended_in(r, START, END) and oracle.bad("loss", {"value": 5}, r)
    ]
    (event,) = evaluate(tenant_a, END)
    assert sorted(event.call_ids) == sorted(expected) and len(expected) == 3
