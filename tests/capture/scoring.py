"""The fidelity score: how many of the sniffer's own values we reproduce, exactly and within one unit.

For every reference capture (the public ones under `captures/sniffer-reference/` and the synthetic ones
under `captures/synthetic/`) every column of every `cdr` row and of every `cdr_rtp` stream row is
compared with ours. One unit is one of the stored integer (MOS x10, jitter x10, counts ...) or one
millisecond for times and durations; text and addresses have no "within". Known deviations
(test_fidelity.KNOWN_DEVIATIONS) are not excused here: they count as misses. Columns we do not
produce at all are listed apart (NOT_PRODUCED) and count as misses in the "all columns" figure.

Used by tests/capture/test_fidelity_score.py and bench/fidelity.py.
"""

import datetime as dt
import re

# Reference columns we do not produce, and why.
NOT_PRODUCED = {
    "ID": "database key",
    "id_sensor": "set by the import (sensor of the upload), not by the analysis",
    "sighup": "offline-read artefact (sniffer-reference/README.md)",
    "flags": "sniffer-internal bit set",
    "caller_reverse": "sniffer's reversed copy for suffix search (we search suffixes with LIKE)",
    "called_reverse": "sniffer's reversed copy for suffix search",
    "callername_reverse": "sniffer's reversed copy for suffix search",
    "price_operator_mult1000000": "billing module",
    "price_operator_currency_id": "billing module",
    "price_customer_mult1000000": "billing module",
    "price_customer_currency_id": "billing module",
    "caller_clipping_div3": "audio analysis",
    "called_clipping_div3": "audio analysis",
    "caller_silence": "audio analysis",
    "called_silence": "audio analysis",
    "caller_silence_end": "audio analysis",
    "called_silence_end": "audio analysis",
    "ttl_min": "IP TTL not kept",
    "ttl_max": "IP TTL not kept",
    "ttl_avg_mult10": "IP TTL not kept",
    "a_mos_min_mult10": "per-side copy of mos_f2 (sniffer option mosmin_f2)",
    "b_mos_min_mult10": "per-side copy of mos_f2 (sniffer option mosmin_f2)",
}
for _s in "ab":
    NOT_PRODUCED.update({
        f"{_s}_ttl_min": "IP TTL not kept", f"{_s}_ttl_max": "IP TTL not kept",
        f"{_s}_ttl_avg_mult10": "IP TTL not kept",
        f"{_s}_mos_lqo_mult10": "PESQ (needs the reference audio)", f"{_s}_mos_silence_mult10": "audio analysis",
        f"{_s}_mos_silence_min_mult10": "audio analysis", f"{_s}_mos_xr_min_mult10": "RTCP-XR minimum not kept",
        f"{_s}_rtcp_fraclost_pktcount": "sniffer-internal counter", f"{_s}_last_rtp_from_end": "not kept",
    })  # fmt: skip
# cdr columns that hold an id of a text table: compared as the text (reference `extra` / top level).
# The export writes "<cause> (text missing)" for a Reason header without text: we store no text.
MISSING_TEXT = re.compile(r"^\d+ \(text missing\)$")


def _text(value):
    return None if value is not None and MISSING_TEXT.match(value) else value


LOOKUPS = {
    "lastSIPresponse_id": ("lastSIPresponse", lambda ref: ref.get("lastSIPresponse")),
    "a_ua_id": ("a_ua", lambda ref: ref["extra"].get("a_ua")),
    "b_ua_id": ("b_ua", lambda ref: ref["extra"].get("b_ua")),
    "reason_sip_text_id": ("reason_sip_text", lambda ref: _text(ref["extra"].get("reason_sip_text"))),
    "reason_q850_text_id": ("reason_q850_text", lambda ref: _text(ref["extra"].get("reason_q850_text"))),
}
# cdr_rtp columns: reference name -> our stream key (None: not produced, left out of the stream score)
STREAM_COLUMNS = {"received": "received", "loss": "lost", "payload": "payload", "maxjitter_mult10": "maxjitter_mult10",
                  "firsttime": "firsttime", "duration": "duration", "rtp_ptime": "ptime", "index": "index",
                  "sdp_ptime": None, "flags": None, "ttl_min": None, "ttl_max": None,
                  "ttl_avg_mult10": None}  # fmt: skip
SCORES = {}  # capture name -> score, filled by the tests that score a capture
STREAM_KEY = ("saddr", "sport", "daddr", "dport", "ssrc")
MOS_SIX = [f"{s}_mos_{k}_mult10" for s in "ab" for k in ("f1", "f2", "adapt")]
DATETIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$")
DECIMAL = re.compile(r"^-?\d+\.\d+$")


def distance(theirs, ours):
    """0 for equal, the difference in units for numbers and times, None for unequal text (no 'within')."""
    if theirs is None or ours is None:
        return 0 if theirs is None and ours in (None, "") else None
    if isinstance(theirs, str) and DATETIME.match(theirs):
        want = dt.datetime.fromisoformat(theirs).replace(tzinfo=dt.UTC)
        return abs(round((ours - want).total_seconds() * 1000)) if isinstance(ours, dt.datetime) else None
    if isinstance(theirs, str) and DECIMAL.match(theirs):
        return abs(round((float(ours) - float(theirs)) * 1000)) if isinstance(ours, int | float) else None
    if isinstance(theirs, bool | int) and isinstance(ours, int | float):
        return abs(ours - theirs)
    return 0 if str(theirs) == str(ours) else None


class Tally:
    def __init__(self):
        self.pairs = self.exact = self.within = 0
        self.misses = {}  # column -> count of pairs not exact

    def add(self, column, d):
        self.pairs += 1
        if d == 0:
            self.exact += 1
        else:
            self.misses[column] = self.misses.get(column, 0) + 1
        if d is not None and d <= 1:
            self.within += 1


def score_capture(ref, calls):
    """Score one capture: `ref` is the reference JSON, `calls` our CallData list. Returns a dict."""
    ours = {c.fields["callid"]: c for c in calls}
    cols, produced_only, streams = Tally(), Tally(), Tally()
    calls_exact = calls_within = calls_mos_within = found = 0
    not_produced = set()
    for rc in ref["cdrs"]:
        call = ours.get(rc["cdr_next"]["fbasename"])
        found += call is not None
        fields = call.fields if call is not None else {}
        exact = within = True
        mos_ok = call is not None
        for column, theirs in rc["cdr"].items():
            if column in NOT_PRODUCED:
                not_produced.add(column)
                cols.add(column, None)
                continue
            if column in LOOKUPS:
                ours_name, get = LOOKUPS[column]
                theirs, mine = get(rc), fields.get(ours_name)
            else:
                mine = fields.get(column)
            d = distance(theirs, mine) if call is not None else None
            cols.add(column, d)
            produced_only.add(column, d)
            exact &= d == 0
            within &= d is not None and d <= 1
            if column in MOS_SIX and not (d is not None and d <= 1):
                mos_ok = False
        calls_exact += exact and call is not None
        calls_within += within and call is not None
        calls_mos_within += mos_ok
        by_key = {tuple(s[k] for k in STREAM_KEY): s for s in (call.streams if call is not None else [])}
        for row in rc["cdr_rtp"]:
            mine = by_key.get(tuple(row[k] for k in STREAM_KEY))
            for column, key in STREAM_COLUMNS.items():
                if column in row and key is not None:
                    streams.add(column, distance(row[column], mine.get(key)) if mine is not None else None)
    n = len(ref["cdrs"])
    return {"calls": n, "found": found, "calls_exact": calls_exact, "calls_within": calls_within,
            "calls_mos_within": calls_mos_within, "columns": cols, "produced": produced_only, "streams": streams,
            "not_produced": sorted(not_produced)}  # fmt: skip


def _pct(part, whole):
    return f"{100.0 * part / whole:5.1f} %" if whole else "   - "


def format_score(name, s):
    c, p, st = s["columns"], s["produced"], s["streams"]
    lines = [
        f"{name}: {s['found']}/{s['calls']} calls found; calls exact {_pct(s['calls_exact'], s['calls'])}, "
        f"within 1 {_pct(s['calls_within'], s['calls'])}, six MOS within 1 {_pct(s['calls_mos_within'], s['calls'])}",
        f"  (call, column) produced columns: exact {_pct(p.exact, p.pairs)}, within 1 {_pct(p.within, p.pairs)} "
        f"of {p.pairs}; all reference columns: exact {_pct(c.exact, c.pairs)}, within 1 {_pct(c.within, c.pairs)}",
        f"  (stream, column) cdr_rtp: exact {_pct(st.exact, st.pairs)}, within 1 {_pct(st.within, st.pairs)} "
        f"of {st.pairs}",
    ]
    worst = sorted(p.misses.items(), key=lambda kv: -kv[1])[:8]
    if worst:
        lines.append("  missed most: " + ", ".join(f"{k} {v}" for k, v in worst))
    if st.misses:
        lines.append("  stream misses: " + ", ".join(f"{k} {v}" for k, v in sorted(st.misses.items())))
    return "\n".join(lines)


def format_total(scores):
    total = Tally()
    streams = Tally()
    calls = within = 0
    for s in scores.values():
        for t, src in ((total, s["produced"]), (streams, s["streams"])):
            t.pairs += src.pairs
            t.exact += src.exact
            t.within += src.within
        calls += s["calls"]
        within += s["calls_within"]
    return (
        f"TOTAL {len(scores)} captures, {calls} calls: calls within 1 on every produced column "
        f"{_pct(within, calls)}; (call, column) exact {_pct(total.exact, total.pairs)}, within 1 "
        f"{_pct(total.within, total.pairs)}; (stream, column) exact {_pct(streams.exact, streams.pairs)}, "
        f"within 1 {_pct(streams.within, streams.pairs)}"
    )
