"""Reports benchmark: a one-day and a 30-day report from the summaries against the same metrics computed by
a plain SQL aggregate over the call table, in the same run; and what keeping summaries costs seeding.

Usage: ``python bench/reports.py [--count 10000000] [--days 30] [--rounds 5] [--database URL]``. The calls
are seeded once (PostgreSQL COPY, summaries kept in the same transactions) into tenant `bench-reports`
and reused by later runs with the same count. The peer is what one would write by hand: one GROUPING SETS
aggregate per local day and in total (counts, ASR/NER/SEER numerators, exact percentiles with
percentile_disc) plus the response, codec and MOS distributions and the 5-minute peaks.
"""

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import DEFAULT_DB, ensure_database, interleaved, setup_django  # noqa: E402

SLUG = "bench-reports"
ZONE = "Europe/Prague"
WORSE = "LEAST(a_mos_f1_mult10, b_mos_f1_mult10)"
OK = "connect_duration IS NOT NULL"
PEER_MAIN = f"""
SELECT to_char(calldate AT TIME ZONE %(tz)s, 'YYYY-MM-DD') AS day,
  count(*), count(connect_duration), sum(connect_duration),
  count(*) FILTER (WHERE {OK} OR "lastSIPresponseNum" / 100 IN (2, 3, 4) OR "lastSIPresponseNum" IN (600, 603, 604, 607, 608)),
  count(*) FILTER (WHERE "lastSIPresponseNum" IN (200, 480, 486, 600, 603)),
  count(*) FILTER (WHERE "lastSIPresponseNum" = 200),
  count(*) FILTER (WHERE "lastSIPresponseNum" BETWEEN 300 AND 399),
  count(*) FILTER (WHERE "lastSIPresponseNum" IN (408, 500, 503, 504)),
  count(*) FILTER (WHERE COALESCE(a_received, 0) > 0 OR COALESCE(b_received, 0) > 0),
  sum(duration), avg(progress_time),
  percentile_disc(0.95) WITHIN GROUP (ORDER BY progress_time), percentile_disc(0.99) WITHIN GROUP (ORDER BY progress_time),
  avg({WORSE}), percentile_disc(0.05) WITHIN GROUP (ORDER BY {WORSE}), percentile_disc(0.01) WITHIN GROUP (ORDER BY {WORSE}),
  avg(packet_loss_perc_mult1000) FILTER (WHERE {OK}),
  percentile_disc(0.95) WITHIN GROUP (ORDER BY packet_loss_perc_mult1000) FILTER (WHERE {OK}),
  percentile_disc(0.99) WITHIN GROUP (ORDER BY packet_loss_perc_mult1000) FILTER (WHERE {OK}),
  avg(jitter_mult10) FILTER (WHERE {OK}),
  percentile_disc(0.95) WITHIN GROUP (ORDER BY jitter_mult10) FILTER (WHERE {OK}),
  percentile_disc(0.99) WITHIN GROUP (ORDER BY jitter_mult10) FILTER (WHERE {OK}),
  count(*) FILTER (WHERE {OK} AND connect_duration < 10),
  count(*) FILTER (WHERE {WORSE} < 31), count(*) FILTER (WHERE {WORSE} < 36), count(*) FILTER (WHERE {WORSE} < 40),
  count(*) FILTER (WHERE {OK} AND (COALESCE(a_received, 0) > 0) <> (COALESCE(b_received, 0) > 0)),
  count(*) FILTER (WHERE {OK} AND COALESCE(a_received, 0) = 0 AND COALESCE(b_received, 0) = 0),
  count(*) FILTER (WHERE {OK} AND COALESCE(bye, 1) NOT IN (2, 3))
FROM cdr_cdr WHERE tenant_id = %(tenant)s AND calldate >= %(start)s AND calldate < %(end)s
GROUP BY GROUPING SETS ((1), ())
"""  # noqa: E501
PEER_EXTRA = [
    'SELECT "lastSIPresponseNum", count(*) FROM cdr_cdr WHERE tenant_id = %(tenant)s AND calldate >= %(start)s'
    " AND calldate < %(end)s GROUP BY 1",
    "SELECT payload, count(*) FROM cdr_cdr WHERE tenant_id = %(tenant)s AND calldate >= %(start)s"
    " AND calldate < %(end)s GROUP BY 1",
    f"SELECT {WORSE}, count(*) FROM cdr_cdr WHERE tenant_id = %(tenant)s AND calldate >= %(start)s"
    " AND calldate < %(end)s GROUP BY 1",
    "SELECT max(n), max(busy) FROM (SELECT count(*) n, sum(duration) busy FROM cdr_cdr WHERE tenant_id = %(tenant)s"
    " AND calldate >= %(start)s AND calldate < %(end)s GROUP BY floor(extract(epoch FROM calldate) / 300)) b",
]


def seed(tenant, count, days):
    """COPY the calls with summary maintenance off, then build the summaries in one pass per day (what
    `manage.py summaries_rebuild` does): set-based, so ten million calls take minutes, not hours. The cost of
    keeping summaries call by call is measured separately (seeding_cost, bench/ingest.py)."""
    from django.conf import settings
    from tqdm import tqdm

    from apps.cdr.services import cdr_seed

    settings.VOIPMON_SUMMARY_MAINTENANCE = False
    try:
        with tqdm(total=count, unit="call") as bar:
            start = time.perf_counter()
            cdr_seed(tenant=tenant, count=count, days=days, seed=1, progress=lambda n, total: bar.update(n - bar.n))
    finally:
        settings.VOIPMON_SUMMARY_MAINTENANCE = True
    return time.perf_counter() - start


def summaries_build(tenant, levels):
    """Build the summaries one UTC day at a time: every level (`manage.py summaries_rebuild`), or with
    `--coarse-only` only the hourly and peak tables, each straight from the calls (the rebuild's SQL aggregate):
    the reports timed here read only those two; the 5-minute table (about a row per call at this traffic) took
    close to two minutes a day to write on the shared machine."""
    from django.db import connection, transaction
    from tqdm import tqdm

    from apps.cdr.models import Cdr
    from apps.reports.models import SUMMARY_LEVELS
    from apps.reports.services import summaries_rebuild_day, summary_days, tenant_actor
    from apps.reports.summary_sql import upsert_sql

    start = time.perf_counter()
    far = (dt.datetime(1970, 1, 1, tzinfo=dt.UTC), dt.datetime(9000, 1, 1, tzinfo=dt.UTC))
    days = sorted(summary_days(tenant_id=tenant.pk, start=far[0], end=far[1]))
    for begin in tqdm(days, unit="day"):
        if levels == "all":
            summaries_rebuild_day(tenant_id=tenant.pk, begin=begin)
            continue
        low, high = int(begin.timestamp()), int(begin.timestamp()) + 86400
        where = "tenant_id = %s AND calldate >= %s AND calldate < %s"
        with transaction.atomic(), connection.cursor() as cursor:
            for model, measures in SUMMARY_LEVELS[1:]:
                model.objects.visible_to(tenant_actor(tenant.pk)).filter(bucket__gte=low, bucket__lt=high).delete()
                table = model._meta.db_table
                sql = upsert_sql("postgresql", Cdr._meta.db_table, table, model.bucket_seconds, model.keys, measures,
                                 1, where)  # fmt: skip
                cursor.execute(sql, [tenant.pk, begin, begin + dt.timedelta(days=1)])
    return time.perf_counter() - start


def summarised_calls(tenant):
    from django.db.models import Sum

    from apps.core.actor import system_actor
    from apps.reports.models import CallSummary, CallSummaryHour, CallSummaryPeak

    actor = system_actor(tenant)
    return [
        m.objects.visible_to(actor).aggregate(n=Sum("calls"))["n"] or 0
        for m in (CallSummary, CallSummaryHour, CallSummaryPeak)
    ]


def seeding_cost(count):
    """Seeding throughput (calls/s) with and without summary maintenance, into fresh tenants, twice each."""
    from django.conf import settings

    from apps.cdr.services import cdr_seed
    from apps.tenants.models import Tenant
    from apps.tenants.services import tenant_create

    rates = {True: [], False: []}
    for keep in (True, False, True, False):
        Tenant.objects.filter(slug="bench-seed-cost").delete()
        tenant = tenant_create(slug="bench-seed-cost", name="seed cost")
        settings.VOIPMON_SUMMARY_MAINTENANCE = keep
        start = time.perf_counter()
        cdr_seed(tenant=tenant, count=count, days=30, seed=2)
        rates[keep].append(count / (time.perf_counter() - start))
    settings.VOIPMON_SUMMARY_MAINTENANCE = True
    Tenant.objects.filter(slug="bench-seed-cost").delete()
    return statistics.median(rates[True]), statistics.median(rates[False])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=10_000_000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seed-cost-count", type=int, default=200_000)
    ap.add_argument("--peer-rounds", type=int, help="fewer rounds of the plain aggregate (default: --rounds)")
    ap.add_argument("--span", help="time only the span whose label starts with this (1 or 30)")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the summaries of a seeded tenant first")
    ap.add_argument("--coarse-only", action="store_true", help="build only the hourly and peak summaries")
    ap.add_argument("--seed-only", action="store_true", help="seed (and build summaries), time nothing")
    ap.add_argument("--database", default=DEFAULT_DB.replace("voipmon_bench", "voipmon_bench_reports"))
    args = ap.parse_args()
    ensure_database(args.database)
    setup_django(args.database)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from apps.cdr.models import Cdr
    from apps.core.actor import system_actor
    from apps.reports.models import ReportDefinition
    from apps.reports.rendering import render_json
    from apps.reports.selectors import report_compute
    from apps.tenants.models import Tenant
    from apps.tenants.services import tenant_create

    slug = f"{SLUG}-{args.count}-{args.days}"  # one tenant per size, seeded once and reused
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is not None and Cdr.objects.filter(tenant=tenant).count() != args.count:
        raise SystemExit(f"tenant {slug} is incomplete (an interrupted seeding?): drop the benchmark database")
    if tenant is None:
        tenant = tenant_create(slug=slug, name="Reports benchmark", timezone=ZONE)
        took = seed(tenant, args.count, args.days)
        print(f"seeded {args.count:,} calls over {args.days} days in {took:.0f} s ({args.count / took:,.0f} calls/s,"
              " COPY)")  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    counted = summarised_calls(tenant)  # 5-minute, hourly, peak
    complete = counted[1:] == [args.count] * 2 if args.coarse_only else counted == [args.count] * 3
    if args.rebuild or not complete:
        levels = "coarse" if args.coarse_only else "all"
        took = summaries_build(tenant, levels)
        print(f"summaries ({levels}) built from the calls in {took:.0f} s ({args.count / took:,.0f} calls/s)")
        counted = summarised_calls(tenant)
    if counted[0] != args.count:
        print(f"note: the 5-minute table holds {counted[0]:,} of {args.count:,} calls (--coarse-only);"
              " the reports timed below do not read it")  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if args.seed_only:
        return
    report, _ = ReportDefinition.objects.get_or_create(tenant=tenant, description="bench", defaults={"group_by": "day"})
    actor = system_actor(tenant)
    import zoneinfo

    zone = zoneinfo.ZoneInfo(ZONE)
    today = dt.datetime.now(zone).date()
    spans = {
        "1 day": (today - dt.timedelta(days=1), today),
        f"{args.days} days": (today - dt.timedelta(days=args.days), today),
    }
    for label, (first, last) in spans.items():
        if args.span and not label.startswith(args.span):
            continue
        start = dt.datetime.combine(first, dt.time(), tzinfo=zone).astimezone(dt.UTC)
        end = dt.datetime.combine(last, dt.time(), tzinfo=zone).astimezone(dt.UTC)
        params = {"tz": ZONE, "tenant": tenant.pk, "start": start, "end": end}
        found = {}

        def ours(start=start, end=end, found=found):
            document = report_compute(actor=actor, report=report, start=start, end=end)
            render_json(document)
            found["ours"] = (document["totals"]["calls"], document["totals"]["connected"], document["source"])

        def peer(params=params, found=found):
            with connection.cursor() as cursor:
                cursor.execute(PEER_MAIN, params)
                rows = cursor.fetchall()
                for sql in PEER_EXTRA:
                    cursor.execute(sql, params)
                    cursor.fetchall()
            total = [r for r in rows if r[0] is None][0]
            found["peer"] = (total[1], total[2])

        if args.peer_rounds is None or args.peer_rounds >= args.rounds:
            samples = interleaved({"ours": ours, "peer": peer}, args.rounds, warmup=1)
        else:  # a slow peer (minutes a run at 10 million calls on a loaded machine): fewer runs of it, no warm-up
            samples = interleaved({"ours": ours}, args.rounds, warmup=1)
            samples.update(interleaved({"peer": peer}, args.peer_rounds, warmup=0))
        median = {k: statistics.median(v) for k, v in samples.items()}
        assert found["ours"][:2] == found["peer"], (found, "the two computations disagree on calls / connected")
        print(
            f"{label:>8}: {found['ours'][0]:>10,} calls  report from {found['ours'][2]}:"
            f" {median['ours']:8.1f} ms median"
            f"  | plain SQL aggregate over the call table: {median['peer']:9.1f} ms"
            f"  | {median['peer'] / median['ours']:6.1f}x"
        )
    if args.seed_cost_count:
        kept, bare = seeding_cost(args.seed_cost_count)
        print(
            f"seeding (COPY) {args.seed_cost_count:,} calls: {kept:,.0f} calls/s with summaries, {bare:,.0f} without"
            f" ({(1 - kept / bare) * 100:.0f} % slower); pcap import: see bench/ingest.py"
        )


if __name__ == "__main__":
    main()
