"""Rules over imported real captures: the expected firing comes from the VoIPmonitor sniffer's own rows
(captures/sniffer-reference), not from our records nor the rule code."""

import datetime as dt
import json
import math

import pytest

from tests.conftest import SHARED

CAPTURES = SHARED / "captures"
FILES = {
    "sip_failed_calls_register_auth.pcap": "sip_failed_calls_register_auth.json",
    "sip_g711u_call_both_ways_loss_bye.pcap": "sip_g711u_call_both_ways_loss_bye.json",
    "sip_call_g711a_rtcp_relay_nobye.pcap": "sip_call_g711a_rtcp_relay_nobye.json",
    "sip_b2bua_asterisk_two_legs.pcapng": "sip_b2bua_asterisk_two_legs.json",
}


def in_class(digit):
    return lambda c: (c["lastSIPresponseNum"] or 0) // 100 == digit


RULES = {  # kind, params -> does a sniffer row match (the condition read from docs/alerts.md)
    "4xx": ("sip_response", {"codes": ["4xx"]}, in_class(4)),
    "answered": ("sip_response", {"codes": ["2xx"]}, in_class(2)),
    "abroad": ("destination", {"allow": ["1"]}, lambda c: not str(c["called"]).startswith("1")),
}  # fmt: skip


def sniffer_rows(name):
    rows = json.loads((CAPTURES / "sniffer-reference" / name).read_text())["cdrs"]
    for row in rows:
        for key in ("calldate", "callend"):
            row["cdr"][key] = dt.datetime.fromisoformat(row["cdr"][key]).replace(tzinfo=dt.UTC)
    return [row["cdr"] | {"called": row["cdr"].get("called") or ""} for row in rows]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
@pytest.mark.parametrize("capture", sorted(FILES))
def test_rules_on_an_imported_capture_fire_as_the_sniffer_rows_say(tenant_a, media_root, rule_make, evaluate, capture):
    from apps.capture.services import capture_import_file

    capture_import_file(tenant=tenant_a, id_sensor=1, path=CAPTURES / capture)
    rows = sniffer_rows(FILES[capture])
    last = max(r["callend"] for r in rows)
    end = last.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    first = min(r["callend"] for r in rows)
    minutes = math.ceil((end - first).total_seconds() / 60)
    start = end - dt.timedelta(minutes=minutes)
    rules = {
        label: rule_make(tenant_a, kind, params=params, window_minutes=minutes)
        for label, (kind, params, _m) in RULES.items()
    }
    events = {e.rule_id: e for e in evaluate(tenant_a, end)}
    fired = 0
    for label, (_kind, _params, matches) in RULES.items():
        expected = sum(1 for r in rows if start <= r["callend"] < end and matches(r))
        event = events.get(rules[label].pk)
        assert (event.call_count if event else 0) == expected, (capture, label)
        fired += expected > 0
    assert fired, "every capture makes at least one rule fire"
