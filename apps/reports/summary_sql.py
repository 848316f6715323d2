"""The SQL that turns call rows into measures (metrics.MEASURES), for PostgreSQL and SQLite. No Django import.

One generator serves three uses, so they cannot disagree: keeping the summaries as calls are stored
or deleted (`upsert_sql`, with sign -1 for a delete), rebuilding them, and computing a report straight
from raw rows when summaries cannot answer it (`normalised_sql` + `measure_exprs`, in selectors.Source).
A call's row is first *normalised* (one inner SELECT: its bucket, keys and the values the measures
read), then aggregated.

Keeping summaries call by call does not aggregate in SQL: the new calls' normalised rows are read with
the same `normalised_sql`, turned into sparse measure deltas in Python (`call_measures`, the same
conditions and bins as the SQL below), added up per summary key and written with one multi-row
`INSERT ... VALUES ... ON CONFLICT DO UPDATE` per level that updates only the measures that changed
(`values_upsert_sql`). The property test (tests/reports/test_summary_property.py) holds the two
codings to each other: summaries kept this way must equal a rebuild by the SQL aggregate.
"""

from bisect import bisect_right
from functools import cache, lru_cache

from .metrics import HIST, HISTOGRAMS, MOS_KINDS, SCALARS

# What each normalised value is, over a call row `r` (columns of cdr_cdr).
CONDITIONS = {
    "any": "1=1",
    "connected": "c.ok = 1",
    "rtp": "(c.ra = 1 OR c.rb = 1)",
    "one_way": "(c.ok = 1 AND c.ra + c.rb = 1)",
    "no_rtp": "(c.ok = 1 AND c.ra = 0 AND c.rb = 0)",
    "no_bye": "(c.ok = 1 AND COALESCE(c.bye, 1) NOT IN (2, 3))",
}
# The same conditions over one normalised row (a dict), for keeping summaries call by call.
TESTS = {
    "any": lambda c: True,
    "connected": lambda c: c["ok"] == 1,
    "rtp": lambda c: c["ra"] == 1 or c["rb"] == 1,
    "one_way": lambda c: c["ok"] == 1 and c["ra"] + c["rb"] == 1,
    "no_rtp": lambda c: c["ok"] == 1 and c["ra"] == 0 and c["rb"] == 0,
    "no_bye": lambda c: c["ok"] == 1 and (1 if c["bye"] is None else c["bye"]) not in (2, 3),
}
# The summary levels: table suffix, bucket seconds, key columns beyond (tenant, bucket), measures.
FULL_KEY = ("id_sensor", "caller_ip", "called_ip", "codec", "response")
SHORT_KEY = ("id_sensor", "codec", "response")


def worse(kind):
    a, b = f"r.a_mos_{kind}_mult10", f"r.b_mos_{kind}_mult10"
    return f"CASE WHEN {a} IS NULL THEN {b} WHEN {b} IS NULL THEN {a} WHEN {a} < {b} THEN {a} ELSE {b} END"


def epoch(vendor, column):
    if vendor == "postgresql":
        return f"CAST(FLOOR(EXTRACT(EPOCH FROM {column})) AS BIGINT)"
    return f"CAST(strftime('%%s', {column}) AS INTEGER)"


def ip_text(vendor, column):
    return f"COALESCE(host({column}), '')" if vendor == "postgresql" else f"COALESCE({column}, '')"


def normalised_sql(vendor, source, bucket_seconds):
    """One row per call: bucket (epoch seconds, UTC), keys, and the values measures read."""
    values = [
        "r.tenant_id AS tenant_id",
        f"({epoch(vendor, 'r.calldate')} / {bucket_seconds}) * {bucket_seconds} AS bucket",
        "r.id_sensor AS id_sensor",
        f"{ip_text(vendor, 'r.sipcallerip')} AS caller_ip",
        f"{ip_text(vendor, 'r.sipcalledip')} AS called_ip",
        "COALESCE(r.payload, -1) AS codec",
        'COALESCE(r."lastSIPresponseNum", 0) AS response',
        "CASE WHEN r.connect_duration IS NOT NULL THEN 1 ELSE 0 END AS ok",
        "CASE WHEN COALESCE(r.a_received, 0) > 0 THEN 1 ELSE 0 END AS ra",
        "CASE WHEN COALESCE(r.b_received, 0) > 0 THEN 1 ELSE 0 END AS rb",
        "r.bye AS bye",
        "CAST(ROUND(r.progress_time * 1000) AS BIGINT) AS pdd_ms",
        "CAST(ROUND(r.connect_duration * 1000) AS BIGINT) AS dur_ms",
        "r.connect_duration AS dur_s",
        "CAST(ROUND(r.duration * 1000) AS BIGINT) AS busy_ms",
        *(f"{worse(kind)} AS mos_{kind}" for kind in MOS_KINDS),
        "r.packet_loss_perc_mult1000 AS loss",
        "r.jitter_mult10 AS jitter",
    ]
    return f"SELECT {', '.join(values)} FROM {source} r"


def scalar_sql(name, sign):
    kind, value, condition = SCALARS[name]
    cond = CONDITIONS[condition]
    if kind == "count" and value is None:
        expr = f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)"
    elif kind == "count":
        expr = f"SUM(CASE WHEN {cond} AND c.{value} IS NOT NULL THEN 1 ELSE 0 END)"
    else:
        expr = f"COALESCE(SUM(CASE WHEN {cond} THEN c.{value} END), 0)"
    return f"{'-' if sign < 0 else ''}{expr}"


def bin_sql(histogram, index, sign):
    edges, v = histogram.edges, f"c.{histogram.value}"
    cond = [f"{v} IS NOT NULL"]
    if histogram.condition != "any":
        cond.append(CONDITIONS[histogram.condition])
    if index > 0:
        cond.append(f"{v} >= {edges[index]}")
    if index + 1 < len(edges):
        cond.append(f"{v} < {edges[index + 1]}")
    return f"{'-' if sign < 0 else ''}SUM(CASE WHEN {' AND '.join(cond)} THEN 1 ELSE 0 END)"


def measure_exprs(measures, sign=1):
    out = []
    for name in measures:
        if name in SCALARS:
            out.append(scalar_sql(name, sign))
        else:
            prefix, index = name.rsplit("_h", 1)
            out.append(bin_sql(HIST[prefix], int(index), sign))
    return out


@cache
def upsert_sql(vendor, cdr_table, table, bucket_seconds, keys, measures, sign, where):
    """INSERT the measures of the calls matching `where` (over `r`) into `table`, adding to existing rows.

    sign -1 subtracts (a delete). Rows left with no calls are removed by the caller.
    """
    source = f"(SELECT * FROM {cdr_table} WHERE {where})"
    key_cols = ("tenant_id", "bucket", *keys)
    select = ", ".join([*(f"c.{k}" for k in key_cols), *measure_exprs(measures, sign)])
    inner = normalised_sql(vendor, source, bucket_seconds)
    group = ", ".join(f"c.{k}" for k in key_cols)
    updates = ", ".join(f"{m} = {table}.{m} + EXCLUDED.{m}" for m in measures)
    return (
        f"INSERT INTO {table} ({', '.join((*key_cols, *measures))}) SELECT {select} FROM ({inner}) c"
        f" WHERE 1=1 GROUP BY {group} ON CONFLICT ({', '.join(key_cols)}) DO UPDATE SET {updates}"
    )


@cache
def measure_plan():
    scalars = tuple((name, kind, value, TESTS[condition]) for name, (kind, value, condition) in SCALARS.items())
    hists = tuple((tuple(h.columns()), h.value, h.edges, TESTS[h.condition]) for h in HISTOGRAMS)
    return scalars, hists


def call_measures(c):
    """The measures one normalised call adds, without the zeros (a call touches ~40 of ~300 measures).

    The Python twin of `measure_exprs` over one row: the same conditions, the same bins."""
    scalars, hists = measure_plan()
    out = {}
    for name, kind, value, test in scalars:
        if not test(c):
            continue
        if kind == "count":
            if value is None or c[value] is not None:
                out[name] = 1
        elif c[value]:
            out[name] = c[value]
    for columns, value, edges, test in hists:
        v = c[value]
        if v is not None and test(c):
            out[columns[max(0, bisect_right(edges, v) - 1)]] = 1
    return out


def bucket_of(epoch_seconds, bucket_seconds):
    """The bucket SQL's `(epoch / s) * s` gives: integer division truncates toward zero."""
    whole = abs(epoch_seconds) // bucket_seconds * bucket_seconds
    return whole if epoch_seconds >= 0 else -whole


@lru_cache(maxsize=512)
def values_upsert_sql(table, key_cols, columns, measures, rows):
    """INSERT `rows` rows of keys and measure deltas, adding the deltas to rows already there.

    Only `columns` (the measures that changed) are parameters and updated; the other `measures` are inserted
    as literal zeros (a new row needs every column) and keep their value on conflict."""
    names = (*key_cols, *measures)
    changed = set(columns)
    row = f"({', '.join(['%s'] * len(key_cols) + ['%s' if m in changed else '0' for m in measures])})"
    updates = ", ".join(f"{m} = {table}.{m} + EXCLUDED.{m}" for m in columns)
    return (
        f"INSERT INTO {table} ({', '.join(names)}) VALUES {', '.join([row] * rows)}"
        f" ON CONFLICT ({', '.join(key_cols)}) DO UPDATE SET {updates}"
    )


@cache
def rollup_sql(source, table, bucket_seconds, keys, measures):
    """INSERT into `table` the rows of the finer `source` summed into coarser buckets and keys (a rebuild)."""
    key_cols = ("tenant_id", "bucket", *keys)
    select = ", ".join(
        ["tenant_id", f"(bucket / {bucket_seconds}) * {bucket_seconds}", *keys, *(f"SUM({m})" for m in measures)]
    )
    return (
        f"INSERT INTO {table} ({', '.join((*key_cols, *measures))}) SELECT {select} FROM {source}"
        f" WHERE tenant_id = %s AND bucket >= %s AND bucket < %s GROUP BY {', '.join(['tenant_id', '2', *keys])}"
    )
