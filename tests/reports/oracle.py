"""An independent computation of report metrics over raw call rows, in plain Python (the tests' oracle).

It reads the call table directly (values of the Cdr columns) and follows docs/reports.md: it shares
no code with apps/reports/summary_sql.py or the summary tables. Histogram edges are part of the
specification (a percentile is reported as the upper edge of the bin holding the nearest-rank value),
so they are taken from apps.reports.metrics.
"""

import math

from apps.cdr.models import Cdr
from apps.reports import metrics as spec

COLUMNS = (
    "calldate", "id_sensor", "sipcallerip", "sipcalledip", "payload", "lastSIPresponseNum", "connect_duration",
    "duration", "progress_time", "a_received", "b_received", "bye", "packet_loss_perc_mult1000", "jitter_mult10",
    "caller", "called", "a_ua", "b_ua",
    *(f"{s}_mos_{k}_mult10" for s in "ab" for k in spec.MOS_KINDS),
)  # fmt: skip


def rows_of(tenant, start, end, **filters):
    qs = Cdr.objects.filter(tenant=tenant, calldate__gte=start, calldate__lt=end, **filters)
    return list(qs.values(*COLUMNS))


def worse(row, kind):
    values = [row[f"{s}_mos_{kind}_mult10"] for s in "ab" if row[f"{s}_mos_{kind}_mult10"] is not None]
    return min(values) if values else None


def nearest_rank(values, p, *, descending=False):
    ordered = sorted(values, reverse=descending)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1] if ordered else None


def in_bin_upper(value, edges):
    """The upper edge of the bin holding `value` ([e_i, e_i+1); below e1 -> bin 0; >= last -> the last edge)."""
    if value is None:
        return None
    for i in range(len(edges) - 1):
        if value < edges[i + 1]:
            return edges[i + 1]
    return edges[-1]


def pct(part, whole):
    return round(part * 100.0 / whole, 3) if whole else None


def is_ner(code, codes):
    classes, exact = codes
    return code in exact or code // 100 in classes


def metrics(rows, *, span, ner=(frozenset({2, 3, 4}), frozenset({600, 603, 604, 607, 608})), mos_kind="f1", short=10):
    calls = len(rows)
    answered = [r for r in rows if r["connect_duration"] is not None]
    code = [r["lastSIPresponseNum"] or 0 for r in rows]
    rtp = [(r["a_received"] or 0) > 0 or (r["b_received"] or 0) > 0 for r in rows]
    redirected = sum(1 for c in code if 300 <= c < 400)
    buckets = {}
    for r in rows:
        key = int(r["calldate"].timestamp()) // 300
        n, busy = buckets.get(key, (0, 0))
        buckets[key] = (n + 1, busy + round(r["duration"] * 1000))
    pdd = [round(r["progress_time"] * 1000) for r in rows if r["progress_time"] is not None]
    mos = [worse(r, mos_kind) for r in rows if worse(r, mos_kind) is not None]
    mos_clamped = [min(max(v, 10), 45) for v in mos]
    loss = [r["packet_loss_perc_mult1000"] for r in answered if r["packet_loss_perc_mult1000"] is not None]
    jitter = [r["jitter_mult10"] for r in answered if r["jitter_mult10"] is not None]
    connected_ms = sum(round(r["connect_duration"] * 1000) for r in answered)
    busy_ms = sum(round(r["duration"] * 1000) for r in rows)
    ra = {id(r): (r["a_received"] or 0) > 0 for r in rows}
    rb = {id(r): (r["b_received"] or 0) > 0 for r in rows}

    def scaled(v, f):
        return None if v is None else round(v / f, 3)

    return {
        "calls": calls,
        "connected": len(answered),
        "with_rtp": sum(rtp),
        "asr": pct(len(answered), calls),
        "acd": round(connected_ms / 1000 / len(answered), 3) if answered else None,
        "minutes": round(connected_ms / 60000, 3),
        "ner": pct(
            len(answered)
            + sum(1 for r, c in zip(rows, code, strict=True) if r["connect_duration"] is None and is_ner(c, ner)),
            calls,
        ),
        "seer": pct(sum(1 for c in code if c in (200, 480, 486, 600, 603)), calls - redirected),
        "ser": pct(sum(1 for c in code if c == 200), calls - redirected),
        "isa": pct(sum(1 for c in code if c in (408, 500, 503, 504)), calls),
        "concurrent_avg": round(busy_ms / 1000 / span, 3),
        "concurrent_max": round(max((b for _n, b in buckets.values()), default=0) / 1000 / 300, 3),
        "cps_avg": round(calls / span, 5),
        "cps_max": round(max((n for n, _b in buckets.values()), default=0) / 300, 5),
        "pdd_avg": round(sum(pdd) / len(pdd) / 1000, 3) if pdd else None,
        "pdd_p95": scaled(in_bin_upper(nearest_rank(pdd, 95), spec.PDD_EDGES), 1000),
        "pdd_p99": scaled(in_bin_upper(nearest_rank(pdd, 99), spec.PDD_EDGES), 1000),
        "mos_avg": round(sum(mos) / len(mos) / 10, 3) if mos else None,
        "mos_p95": scaled(nearest_rank(mos_clamped, 95, descending=True), 10),
        "mos_p99": scaled(nearest_rank(mos_clamped, 99, descending=True), 10),
        "loss_avg": round(sum(loss) / len(loss) / 1000, 4) if loss else None,
        "loss_p95": scaled(in_bin_upper(nearest_rank(loss, 95), spec.LOSS_EDGES), 1000),
        "loss_p99": scaled(in_bin_upper(nearest_rank(loss, 99), spec.LOSS_EDGES), 1000),
        "jitter_avg": round(sum(jitter) / len(jitter) / 10, 3) if jitter else None,
        "jitter_p95": scaled(in_bin_upper(nearest_rank(jitter, 95), spec.JITTER_EDGES), 10),
        "jitter_p99": scaled(in_bin_upper(nearest_rank(jitter, 99), spec.JITTER_EDGES), 10),
        "short_calls": pct(sum(1 for r in answered if r["connect_duration"] < short), len(answered)),
        "mos_below_3_1": sum(1 for v in mos if v < 31),
        "mos_below_3_6": sum(1 for v in mos if v < 36),
        "mos_below_4_0": sum(1 for v in mos if v < 40),
        "one_way": sum(1 for r in answered if ra[id(r)] != rb[id(r)]),
        "no_rtp": sum(1 for r in answered if not ra[id(r)] and not rb[id(r)]),
        "no_bye": sum(1 for r in answered if (r["bye"] if r["bye"] is not None else 1) not in (2, 3)),
        "sip_responses": count_by(str(c) for c in code),
        "codecs": count_by(str(r["payload"]) for r in rows if r["payload"] is not None),
        "mos_distribution": count_by(f"{v / 10:.1f}" for v in mos_clamped),
    }


def count_by(values):
    out = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


def top(rows, key, n):
    counts = count_by(key(r) for r in rows)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
