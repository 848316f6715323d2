"""Every report metric, defined once, with no Django import (docs/reports.md repeats each formula).

A report is computed from *measures*: integer counts, sums and histogram bins that add up exactly
when buckets are merged (`MEASURES`). The summary tables store them per 5-minute bucket; a report over
raw rows computes the very same measures in one SQL pass (apps/reports/summary_sql.py); the formulas
below turn merged measures into metrics. Seconds are stored as integer milliseconds and quality
values in the sniffer's integer units (MOS x10, loss % x1000, jitter ms x10), so sums never drift.

Histograms: `edges` (e0 < e1 < ... < en) define bins [e_i, e_i+1); bin 0 also holds values below e1
and the last bin every value >= en. A percentile is exact to the bin: the bin that holds the
nearest-rank value is found exactly, and its upper edge is reported (the lower edge for the open last
bin). MOS bins are single values (1.0 .. 4.5 in 0.1 steps), so MOS percentiles are exact.
"""

import math
from dataclasses import dataclass

MOS_KINDS = ("f1", "f2", "adapt")
MOS_EDGES = tuple(range(10, 46))  # MOS x10; each bin one value; below 1.0 counts as 1.0, above 4.5 as 4.5
LOSS_EDGES = (0, 1, 50, *range(100, 1001, 100), 1500, 2000, 3000, 4000, 5000, 7500, 10000, 15000, 20000, 30000, 50000)
JITTER_EDGES = (*range(0, 201, 10), 250, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000)  # ms x10
PDD_EDGES = (
    *range(0, 1001, 100), *range(1250, 5001, 250), *range(5500, 10001, 500), *range(12000, 30001, 2000), 40000, 60000,
)  # milliseconds  # fmt: skip
DURATION_EDGES = (*range(0, 61), 90, 120, 180, 300, 600, 1200, 1800, 3600, 7200)  # seconds of connected time
MOS_THRESHOLDS = (31, 36, 40)  # problem counters: calls whose MOS is below 3.1 / 3.6 / 4.0
DEFAULT_NER_CODES = "2,3,4,600,603,604,607,608"
SEER_CODES = (200, 480, 486, 600, 603)
ISA_CODES = (408, 500, 503, 504)
SHORT_CALL_MAX = DURATION_EDGES[60]  # short-call thresholds are whole seconds up to this (1 s bins)


@dataclass(frozen=True)
class Histogram:
    name: str  # column prefix
    value: str  # the normalised value it bins (summary_sql.NORMALISED)
    edges: tuple
    condition: str  # which calls contribute: "any" (value not null) or "connected"

    def columns(self):
        return [f"{self.name}_h{i:02d}" for i in range(len(self.edges))]


HISTOGRAMS = (
    Histogram("pdd", "pdd_ms", PDD_EDGES, "any"),
    *(Histogram(f"mos_{kind}", f"mos_{kind}", MOS_EDGES, "any") for kind in MOS_KINDS),
    Histogram("loss", "loss", LOSS_EDGES, "connected"),
    Histogram("jitter", "jitter", JITTER_EDGES, "connected"),
    Histogram("dur", "dur_s", DURATION_EDGES, "connected"),
)
HIST = {h.name: h for h in HISTOGRAMS}

# Scalar measures: name -> (kind, value, condition). kind "count": calls meeting the condition;
# kind "sum": the value summed over calls meeting the condition (nulls skipped).
SCALARS = {
    "calls": ("count", None, "any"),
    "connected": ("count", None, "connected"),
    "with_rtp": ("count", None, "rtp"),
    "connected_ms": ("sum", "dur_ms", "connected"),
    "busy_ms": ("sum", "busy_ms", "any"),
    "pdd_n": ("count", "pdd_ms", "any"),
    "pdd_sum": ("sum", "pdd_ms", "any"),
    **{f"mos_{k}_n": ("count", f"mos_{k}", "any") for k in MOS_KINDS},
    **{f"mos_{k}_sum": ("sum", f"mos_{k}", "any") for k in MOS_KINDS},
    "loss_n": ("count", "loss", "connected"),
    "loss_sum": ("sum", "loss", "connected"),
    "jitter_n": ("count", "jitter", "connected"),
    "jitter_sum": ("sum", "jitter", "connected"),
    "one_way": ("count", None, "one_way"),
    "no_rtp": ("count", None, "no_rtp"),
    "no_bye": ("count", None, "no_bye"),
}
MEASURES = (*SCALARS, *(c for h in HISTOGRAMS for c in h.columns()))
PEAK_MEASURES = ("calls", "busy_ms")


def bin_index(value, edges):
    """The bin of `value`: bin 0 takes everything below edges[1], the last bin everything >= edges[-1]."""
    for i in range(len(edges) - 1, 0, -1):
        if value >= edges[i]:
            return i
    return 0


def bin_value(index, edges):
    """What a percentile falling in bin `index` reports: its upper edge (the open last bin: its lower edge)."""
    return edges[index + 1] if index + 1 < len(edges) else edges[index]


def percentile(counts, edges, p, *, exact_bins=False, worst_low=False):
    """Nearest-rank percentile from histogram `counts`.

    rank = ceil(p/100 * n); the value is in the bin where the cumulative count first reaches rank.
    With `worst_low` (MOS: low is bad) ranks run from the top, so p95 is the value that 95 % of calls
    meet or exceed. `exact_bins`: each bin is one value (MOS), reported as that value.
    """
    n = sum(counts)
    if n == 0:
        return None
    rank = max(1, math.ceil(p / 100.0 * n))
    order = range(len(counts) - 1, -1, -1) if worst_low else range(len(counts))
    seen = 0
    for i in order:
        seen += counts[i]
        if seen >= rank:
            return edges[i] if exact_bins else bin_value(i, edges)
    return None


def ratio(part, whole, scale=100.0):
    """part / whole * scale, or None when nothing was counted (no calls: no ASR, not 0 %)."""
    return round(part * scale / whole, 3) if whole else None


def ner_codes_parse(text):
    """`2,3,4,600,603`: a single digit is a class (2 = 2xx), three digits one code. Raises ValueError."""
    classes, codes = set(), set()
    for part in str(text).split(","):
        part = part.strip()
        if len(part) == 1 and part in "123456":
            classes.add(int(part))
        elif len(part) == 3 and part.isdigit() and 100 <= int(part) <= 699:
            codes.add(int(part))
        else:
            raise ValueError(part)
    if not classes and not codes:
        raise ValueError(text)
    return frozenset(classes), frozenset(codes)


def code_matches(code, parsed):
    classes, codes = parsed
    return code in codes or (code // 100) in classes


def merge(rows, names=MEASURES):
    """Add measure dicts together (buckets, groups)."""
    out = dict.fromkeys(names, 0)
    for row in rows:
        for name in names:
            out[name] += row.get(name) or 0
    return out


def hist(measures, name):
    return [measures.get(c) or 0 for c in HIST[name].columns()]


def compute(measures, responses, *, span_seconds, peaks=None, ner_codes=DEFAULT_NER_CODES, mos_kind="f1",
            short_seconds=10, bucket_seconds=300):  # fmt: skip
    """Metrics of one group from its merged measures.

    `responses`: {(final SIP code, connected 0/1): calls}; `peaks`: per 5-minute bucket (calls, busy_ms).

    - calls, connected (answered: a 2xx to the INVITE, connect_duration set), with_rtp (any RTP packet);
    - ASR % = connected / calls * 100;  ACD s = connected seconds / connected (= ALOC);
      minutes = connected seconds / 60;
    - NER % = (connected + not connected calls whose final code is in `ner_codes`) / calls * 100;
    - SEER % = calls ending on 200/480/486/600/603 / (calls - calls ending on 3xx) * 100 (RFC 6076);
      SER % = calls ending on 200 / (calls - 3xx) * 100;  ISA % = calls ending on 408/500/503/504 / calls;
    - concurrent calls: average = call seconds (whole duration) / span seconds; maximum = the largest
      bucket's call seconds / bucket seconds (offered load in Erlang of the calls starting in it);
    - CPS: average = calls / span seconds; maximum = the largest bucket's calls / bucket seconds;
    - PDD s (first 18x, else first 2xx, minus the first INVITE): average, p95, p99 (calls that have one);
    - MOS = the worse side's MOS of the chosen kind: average, p95/p99 from the bad end, distribution;
    - loss % and jitter ms of connected calls (worse side): average, p95, p99;
    - short calls % = connected calls with connected time < `short_seconds` / connected * 100;
    - problems: MOS below 3.1 / 3.6 / 4.0, one-way audio (connected, RTP from one side only),
      missing RTP (connected, no RTP), no BYE (connected, no BYE seen).
    """
    m = measures
    calls, connected = m["calls"], m["connected"]
    parsed = ner_codes_parse(ner_codes)
    by_code = {}
    ner_extra = 0
    for (code, answered), count in responses.items():
        by_code[code] = by_code.get(code, 0) + count
        if not answered and code_matches(code, parsed):
            ner_extra += count
    redirected = sum(c for code, c in by_code.items() if 300 <= code < 400)
    attempts = calls - redirected
    mos = hist(m, f"mos_{mos_kind}")
    pdd, loss, jitter, dur = hist(m, "pdd"), hist(m, "loss"), hist(m, "jitter"), hist(m, "dur")
    peaks = list(peaks or [])
    short_seconds = int(short_seconds)

    def scaled(value, factor):
        return None if value is None else round(value / factor, 3)

    return {
        "calls": calls,
        "connected": connected,
        "with_rtp": m["with_rtp"],
        "asr": ratio(connected, calls),
        "acd": round(m["connected_ms"] / 1000.0 / connected, 3) if connected else None,
        "minutes": round(m["connected_ms"] / 60000.0, 3),
        "ner": ratio(connected + ner_extra, calls),
        "seer": ratio(sum(by_code.get(c, 0) for c in SEER_CODES), attempts),
        "ser": ratio(by_code.get(200, 0), attempts),
        "isa": ratio(sum(by_code.get(c, 0) for c in ISA_CODES), calls),
        "concurrent_avg": round(m["busy_ms"] / 1000.0 / span_seconds, 3) if span_seconds else None,
        "concurrent_max": round(max((b for _c, b in peaks), default=0) / 1000.0 / bucket_seconds, 3),
        "cps_avg": round(calls / span_seconds, 5) if span_seconds else None,
        "cps_max": round(max((c for c, _b in peaks), default=0) / bucket_seconds, 5),
        "pdd_avg": round(m["pdd_sum"] / m["pdd_n"] / 1000.0, 3) if m["pdd_n"] else None,
        "pdd_p95": scaled(percentile(pdd, PDD_EDGES, 95), 1000),
        "pdd_p99": scaled(percentile(pdd, PDD_EDGES, 99), 1000),
        "mos_kind": mos_kind,
        "mos_avg": round(m[f"mos_{mos_kind}_sum"] / m[f"mos_{mos_kind}_n"] / 10.0, 3)
        if m[f"mos_{mos_kind}_n"]
        else None,
        "mos_p95": scaled(percentile(mos, MOS_EDGES, 95, exact_bins=True, worst_low=True), 10),
        "mos_p99": scaled(percentile(mos, MOS_EDGES, 99, exact_bins=True, worst_low=True), 10),
        "mos_distribution": {f"{edge / 10:.1f}": count for edge, count in zip(MOS_EDGES, mos, strict=True) if count},
        "loss_avg": round(m["loss_sum"] / m["loss_n"] / 1000.0, 4) if m["loss_n"] else None,
        "loss_p95": scaled(percentile(loss, LOSS_EDGES, 95), 1000),
        "loss_p99": scaled(percentile(loss, LOSS_EDGES, 99), 1000),
        "jitter_avg": round(m["jitter_sum"] / m["jitter_n"] / 10.0, 3) if m["jitter_n"] else None,
        "jitter_p95": scaled(percentile(jitter, JITTER_EDGES, 95), 10),
        "jitter_p99": scaled(percentile(jitter, JITTER_EDGES, 99), 10),
        "short_calls": ratio(sum(dur[: bin_index(short_seconds, DURATION_EDGES)]), connected),
        "short_seconds": short_seconds,
        "sip_responses": {str(code): count for code, count in sorted(by_code.items())},
        **{f"mos_below_{t / 10:.1f}".replace(".", "_"): sum(mos[: MOS_EDGES.index(t)]) for t in MOS_THRESHOLDS},
        "one_way": m["one_way"],
        "no_rtp": m["no_rtp"],
        "no_bye": m["no_bye"],
    }


SCALAR_METRICS = (
    "calls", "connected", "with_rtp", "asr", "acd", "minutes", "ner", "seer", "ser", "isa",
    "concurrent_avg", "concurrent_max", "cps_avg", "cps_max", "pdd_avg", "pdd_p95", "pdd_p99",
    "mos_avg", "mos_p95", "mos_p99", "loss_avg", "loss_p95", "loss_p99", "jitter_avg", "jitter_p95", "jitter_p99",
    "short_calls", "mos_below_3_1", "mos_below_3_6", "mos_below_4_0", "one_way", "no_rtp", "no_bye",
)  # fmt: skip
