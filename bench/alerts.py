"""Alerts benchmark: one evaluation round of 200 rules across 20 tenants over seeded calls, beside the plain SQL
that counts the same matches, in the same run.

Usage: ``python bench/alerts.py [--count 10000000] [--tenants 20] [--rules 200] [--days 30] [--rounds 5]
[--database URL]``. Calls are seeded once per size (PostgreSQL COPY through `cdr_seed`, spread over the last
`--days` days ending now; summary maintenance off, alerts read the calls) and reused by later runs. A round
is `tenant_evaluate` for every tenant, as the beat task runs it, on the windows at the end of the seeded
history (its "now"), each round on a window ending one minute earlier than the last (so no window is
deduplicated away). The peer is one hand-written query per tenant:
`count(*) FILTER (WHERE <condition>)` for every counted rule over the calls that ended in the window (through
the same tenant / call end index), plus a GROUP BY for the sequential rules; the counts must equal the
events' measured values. `--seed-only` seeds and stops (seed once, keep the database, run again).
"""

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import DEFAULT_DB, ensure_database, interleaved, setup_django  # noqa: E402

OK = "connect_duration IS NOT NULL"
# kind -> (params, the same condition in plain SQL); threshold 1 in `calls` mode, so every count is reported
COUNTED = {
    "mos": ({"value": 3.5}, "mos_min_mult10 < 35"),
    "loss": ({"value": 5}, "packet_loss_perc_mult1000 > 5000"),
    "jitter": ({"value": 30}, "jitter_mult10 > 300"),
    "delay": ({"value": 50}, "delay_avg_mult100 > 5000"),
    "pdd": ({"value": 5}, "progress_time > 5"),
    "one_way": ({}, f"{OK} AND (COALESCE(a_received, 0) > 0) <> (COALESCE(b_received, 0) > 0)"),
    "missing_rtp": ({}, f"{OK} AND COALESCE(a_received, 0) = 0 AND COALESCE(b_received, 0) = 0"),
    "sip_response": (
        {"codes": ["486", "5xx", "0"]},
        '("lastSIPresponseNum" = 486 OR "lastSIPresponseNum" BETWEEN 500 AND 599'
        ' OR "lastSIPresponseNum" IS NULL OR "lastSIPresponseNum" < 100)',
    ),
    "destination": ({"allow": ["420", "1"]}, "NOT (called LIKE '420%%' OR called LIKE '1%%')"),
}
OTHERS = {  # evaluated in the round; not in the peer's counts (their output is not a count of matching calls)
    "sequential": {},
    "concurrent_calls": {"by": "caller_ip"},
    "traffic_drop": {"by": "percent", "minimum": 1},
    "sensor_silence": {},
}
WINDOW = "tenant_id = %(tenant)s AND callend >= %(start)s AND callend < %(end)s"  # the tenant / call end index


def tenants_seeded(args):
    from django.conf import settings
    from tqdm import tqdm

    from apps.cdr.models import Cdr
    from apps.cdr.services import cdr_seed
    from apps.tenants.models import Tenant
    from apps.tenants.services import tenant_create

    settings.VOIPMON_SUMMARY_MAINTENANCE = False
    per = args.count // args.tenants
    tenants = []
    took = 0.0
    with tqdm(total=per * args.tenants, unit="call") as bar:
        for i in range(args.tenants):
            slug = f"bench-alerts-{args.count}-{args.days}-{i}"
            tenant = Tenant.objects.filter(slug=slug).first()
            if tenant is not None and Cdr.objects.filter(tenant=tenant).count() != per:
                raise SystemExit(f"tenant {slug} is incomplete (an interrupted seeding?): drop the benchmark database")
            if tenant is None:
                tenant = tenant_create(slug=slug, name=slug, timezone="Europe/Prague")
                start = time.perf_counter()
                base = bar.n

                def shown(done, total, base=base):
                    bar.update(base + done - bar.n)

                cdr_seed(tenant=tenant, count=per, days=args.days, seed=i, progress=shown)
                took += time.perf_counter() - start
            else:
                bar.update(per)
            tenants.append(tenant)
    return tenants, took


def rules_ensure(tenants, total):
    from apps.alerts.models import AlertRule
    from apps.alerts.services import alert_rule_create
    from apps.core.actor import system_actor

    kinds = [*COUNTED, *OTHERS]
    per = total // len(tenants)
    for t_index, tenant in enumerate(tenants):
        if AlertRule.objects.filter(tenant=tenant).count() == per:
            continue
        AlertRule.objects.filter(tenant=tenant).delete()
        for r in range(per):
            kind = kinds[(t_index + r) % len(kinds)]
            params = COUNTED[kind][0] if kind in COUNTED else OTHERS[kind]
            threshold = {"sequential": 3, "concurrent_calls": 3, "traffic_drop": 50}.get(kind, 1)
            alert_rule_create(
                actor=system_actor(tenant), name=f"bench {r}", kind=kind, params=params, threshold=threshold,
                window_minutes=5,
            )  # fmt: skip


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=10_000_000)
    ap.add_argument("--tenants", type=int, default=20)
    ap.add_argument("--rules", type=int, default=200)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--database", default=DEFAULT_DB.replace("voipmon_bench", "voipmon_bench_alerts"))
    ap.add_argument("--seed-only", action="store_true", help="seed the calls and rules, then stop")
    args = ap.parse_args()
    ensure_database(args.database)
    setup_django(args.database)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from apps.alerts.evaluation import tenant_evaluate
    from apps.alerts.models import AlertEvent, AlertRule

    tenants, took = tenants_seeded(args)
    if took:
        print(
            f"seeded {args.count:,} calls in {args.tenants} tenants in {took:.0f} s ({args.count / took:,.0f} calls/s)"
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    rules_ensure(tenants, args.rules)
    if args.seed_only:
        return
    rules = {t.pk: list(AlertRule.objects.filter(tenant=t).order_by("pk")) for t in tenants}
    # Windows at the seeded history's end (its "now"), as the beat task evaluates them: the newest call start
    # of the first tenant, to the minute.
    from apps.cdr.models import Cdr

    newest = Cdr.objects.filter(tenant=tenants[0]).order_by("-calldate").values_list("calldate", flat=True).first()
    first_end = newest.replace(second=0, microsecond=0)
    ends = iter(first_end - dt.timedelta(minutes=m) for m in range(10_000))
    found = {}

    def ours():
        end = next(ends)
        found["end"] = end
        events = []
        for tenant in tenants:
            events += tenant_evaluate(tenant=tenant, end=end)
        found["ours"] = events

    def peer():
        end = found["end"]
        counts = {}
        with connection.cursor() as cursor:
            for tenant in tenants:
                counted = [r for r in rules[tenant.pk] if r.kind in COUNTED]
                params = {"tenant": tenant.pk, "end": end, "start": end - dt.timedelta(minutes=5)}
                columns = ", ".join(f"count(*) FILTER (WHERE {COUNTED[r.kind][1]})" for r in counted)
                cursor.execute(f"SELECT {columns} FROM cdr_cdr WHERE {WINDOW}", params)
                counts.update(zip((r.pk for r in counted), cursor.fetchone(), strict=True))
                cursor.execute(
                    f"SELECT called, count(*) FROM cdr_cdr WHERE {WINDOW} GROUP BY 1 HAVING count(*) >= 3", params
                )
                cursor.fetchall()
        found["peer"] = counts

    samples = interleaved({"ours": ours, "peer": peer}, args.rounds, warmup=1)
    ours_by_rule = {e.rule_id: e.measured for e in found["ours"] if e.rule.kind in COUNTED}
    peer_fired = {pk: float(n) for pk, n in found["peer"].items() if n}
    assert ours_by_rule == peer_fired, "the round and the plain SQL disagree on the matching calls"
    median = {k: statistics.median(v) for k, v in samples.items()}
    n_rules = sum(len(v) for v in rules.values())
    print(
        f"{args.count:,} calls, {len(tenants)} tenants, {n_rules} rules ({len(COUNTED)} counted kinds + "
        f"{len(OTHERS)} others), 5-minute windows: one round {median['ours']:.0f} ms median of {args.rounds}"
        f" (max {max(samples['ours']):.0f} ms) | plain SQL counting the counted rules' matches: {median['peer']:.0f} ms"
        f" | last round: {len(found['ours'])} events, {sum(peer_fired.values()):.0f} matching calls agree"
    )
    AlertEvent.objects.filter(tenant__in=tenants).delete()


if __name__ == "__main__":
    main()
