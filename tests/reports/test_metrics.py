"""Every metric of a report equals an independent computation over the raw call rows (tests/reports/oracle.py),
from the summaries and from raw rows, over seeded calls and imported public captures."""

import datetime as dt
from dataclasses import replace

import pytest

from apps.cdr.services import cdr_seed
from apps.core.actor import Restrictions, system_actor
from apps.reports.metrics import SCALAR_METRICS
from apps.reports.models import ReportDefinition
from apps.reports.selectors import report_compute
from tests.reports import oracle
from tests.reports.conftest import day_start

pytestmark = pytest.mark.django_db
COMPARED = (*SCALAR_METRICS, "sip_responses", "codecs", "mos_distribution")


def definition(tenant, **fields):
    values = {"description": "daily", "group_by": "day", "metrics": [], **fields}
    return ReportDefinition.objects.create(tenant=tenant, **values)


def unrestricted_raw(actor):
    """The same view of the tenant, but with a restriction that matches every call: forces raw rows."""
    return replace(actor, restrictions=Restrictions(numbers=("%",)))


def assert_metrics(document_values, expected, label):
    for name in COMPARED:
        got = document_values.get(name)
        if name == "sip_responses":
            expected_value = {k: v for k, v in expected[name].items()}
        else:
            expected_value = expected[name]
        assert got == expected_value, f"{label}: {name} = {got!r}, the raw rows say {expected_value!r}"


@pytest.fixture
def seeded(tenant_a):
    cdr_seed(tenant=tenant_a, count=1500, days=3, seed=7)
    return tenant_a


@pytest.mark.parametrize("path", ["summaries", "raw"])
def test_seeded_totals_equal_the_raw_rows(seeded, path):
    actor = system_actor(seeded)
    actor = replace(actor, timezone="UTC")
    start, end = day_start(3), day_start(-1)
    report = definition(seeded, short_seconds=30, ner_codes="2,3,4,600,603,604,607,608")
    used = actor if path == "summaries" else unrestricted_raw(actor)
    doc = report_compute(actor=used, report=report, start=start, end=end)
    assert doc["source"] == ("summaries" if path == "summaries" else "calls")
    expected = oracle.metrics(oracle.rows_of(seeded, start, end), span=(end - start).total_seconds(), short=30)
    assert expected["calls"] == 1500
    assert_metrics(doc["totals"], expected, path)


@pytest.mark.parametrize("group_by", ["sensor", "codec", "response", "caller_ip", "day", "hour"])
def test_seeded_groups_equal_the_raw_rows(tenant_a, group_by):
    cdr_seed(tenant=tenant_a, count=600, days=2, seed=11)
    actor = replace(system_actor(tenant_a), timezone="America/New_York")
    start, end = day_start(2), day_start(-1)
    report = definition(tenant_a, group_by=group_by)
    doc = report_compute(actor=actor, report=report, start=start, end=end)
    rows = oracle.rows_of(tenant_a, start, end)
    import zoneinfo

    zone = zoneinfo.ZoneInfo("America/New_York")
    key = {
        "sensor": lambda r: r["id_sensor"],
        "codec": lambda r: r["payload"] if r["payload"] is not None else -1,
        "response": lambda r: r["lastSIPresponseNum"] or 0,
        "caller_ip": lambda r: r["sipcallerip"] or "",
        "day": lambda r: r["calldate"].astimezone(zone).strftime("%Y-%m-%d"),
        "hour": lambda r: r["calldate"].astimezone(zone).strftime("%Y-%m-%d %H:00"),
    }[group_by]
    groups = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    assert {r["group"] for r in doc["rows"]} == set(groups)
    span = (end - start).total_seconds()
    for row in doc["rows"]:
        expected = oracle.metrics(groups[row["group"]], span=span)
        assert_metrics(row, expected, f"{group_by}={row['group']}")


def test_imported_captures_equal_the_raw_rows(imported):
    actor = replace(system_actor(imported), timezone="UTC")
    start = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    rows = oracle.rows_of(imported, start, end)
    assert len(rows) >= 6
    assert any(r["connect_duration"] is None for r in rows) and any(r["connect_duration"] for r in rows)
    for kind in ("f1", "f2", "adapt"):
        report = definition(imported, description=f"captures {kind}", mos_kind=kind, ner_codes="2,3,600,603")
        expected = oracle.metrics(
            rows, span=(end - start).total_seconds(), mos_kind=kind, ner=(frozenset({2, 3}), frozenset({600, 603}))
        )
        for used in (actor, unrestricted_raw(actor)):
            doc = report_compute(actor=used, report=report, start=start, end=end)
            assert_metrics(doc["totals"], expected, f"{kind} {doc['source']}")


def test_tops_equal_the_raw_rows(seeded):
    actor = replace(system_actor(seeded), timezone="UTC")
    start, end = day_start(3), day_start(-1)
    names = ["top_caller_ips", "top_called_ips", "top_caller_numbers", "top_called_numbers", "top_user_agents"]
    report = definition(seeded, metrics=["calls", *names], top_n=5)
    doc = report_compute(actor=actor, report=report, start=start, end=end)
    rows = oracle.rows_of(seeded, start, end)
    expected = {
        "top_caller_ips": oracle.top(rows, lambda r: r["sipcallerip"] or "", 5),
        "top_called_ips": oracle.top(rows, lambda r: r["sipcalledip"] or "", 5),
        "top_caller_numbers": oracle.top(rows, lambda r: r["caller"], 5),
        "top_called_numbers": oracle.top(rows, lambda r: r["called"], 5),
    }
    for name, ranked in expected.items():
        got = [(e["value"], e["calls"]) for e in doc["tops"][name]]
        # ties may order differently; the counts and the set of the strictly larger ones must agree
        assert [c for _v, c in got] == [c for _v, c in ranked], name
    ua = oracle.count_by([r["a_ua"] for r in rows if r["a_ua"]] + [r["b_ua"] for r in rows if r["b_ua"]])
    assert {e["value"]: e["calls"] for e in doc["tops"]["top_user_agents"]} == dict(
        sorted(ua.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    )
    assert set(doc["totals"]) == {"calls"}


def test_sensor_restricted_user_counts_only_their_sensor(tenant_a, make_call):
    for sensor, count in ((1, 3), (2, 5)):
        for i in range(count):
            make_call(tenant_a, calldate=f"2024-03-05 10:0{i}:00", id_sensor=sensor)
    actor = replace(system_actor(tenant_a), sensor_ids=(2,), timezone="UTC")
    report = definition(tenant_a)
    start, end = dt.datetime(2024, 3, 5, tzinfo=dt.UTC), dt.datetime(2024, 3, 6, tzinfo=dt.UTC)
    doc = report_compute(actor=actor, report=report, start=start, end=end)
    assert doc["source"] == "summaries" and doc["totals"]["calls"] == 5
    numbers = replace(actor, sensor_ids=None, restrictions=Restrictions(numbers=("420601%",)))
    make_call(tenant_a, calldate="2024-03-05 11:00:00", caller="1555", called="1666")
    doc = report_compute(actor=numbers, report=report, start=start, end=end)
    assert doc["source"] == "calls" and doc["totals"]["calls"] == 8
