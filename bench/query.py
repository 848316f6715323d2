"""getVoipCalls over HTTP against the same query as plain SQL, on 1,000,000 seeded calls in PostgreSQL.

    .venv/bin/python bench/query.py [--database-url URL] [--calls 1000000] [--runs 40]

Seeds the calls once (PostgreSQL COPY; later runs reuse them), then times a one-day window with a
caller prefix (`00%`) through /php/api.php on a real gunicorn server, and the same rows through
psycopg with plain SQL, in the same run, round by round (one call of each per round). Prints median
and p95 of both, their ratio, and EXPLAIN. The API's figure is the latency to the response's last
byte; the client's orjson decoding of the answer is printed beside it.
"""

import argparse
import datetime as dt
import http.client
import json
import time
import urllib.parse

import orjson
from _common import DEFAULT_DB, ensure_database, interleaved, setup_django, start_server, summary

TENANT = "bench"
USER, PASSWORD = "bench", "bench-password"


def prepare(calls):
    from django.core.management import call_command
    from django.db import connection

    from apps.cdr.models import Cdr
    from apps.cdr.services import cdr_seed
    from apps.core.capabilities import GRANTING_FLAGS
    from apps.tenants.models import Tenant
    from apps.tenants.services import tenant_create
    from apps.users.models import User
    from apps.users.services import user_create

    call_command("migrate", verbosity=0)
    tenant = Tenant.objects.filter(slug=TENANT).first() or tenant_create(slug=TENANT, name="Benchmark", timezone="UTC")
    if not User.objects.filter(username=USER).exists():
        user_create(username=USER, tenant=tenant, password=PASSWORD, flags=dict.fromkeys(GRANTING_FLAGS, True))
    have = Cdr.objects.filter(tenant=tenant).count()
    if have < calls:
        from tqdm import tqdm

        print(f"seeding {calls - have} calls ...")
        with tqdm(total=calls - have, unit="call") as bar:
            cdr_seed(tenant=tenant, count=calls - have, days=30, seed=7, progress=lambda n, t: bar.update(n - bar.n))
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Cdr._meta.db_table}")
    return tenant


def api_query_sql(params):
    """The queryset getVoipCalls runs for these params (ids only: the plan, not the columns, is of interest)."""
    from apps.cdr.selectors import cdr_search
    from apps.legacy.params import voipcalls_filters
    from apps.users.actor import actor_for_user
    from apps.users.models import User

    actor = actor_for_user(User.objects.get(username=USER))
    return cdr_search(actor=actor, filters=voipcalls_filters(params)).order_by("calldate", "id").values_list("id")


def seeded_setup():
    """The options both database benchmarks take, then their database, Django and the seeded tenant."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    ensure_database(args.database_url)
    setup_django(args.database_url)
    return args, prepare(args.calls)


def main():
    args, tenant = seeded_setup()

    from django.db import connection

    from apps.cdr.models import Cdr
    from apps.legacy.rows import VOIPCALLS_COLUMNS

    day = (dt.datetime.now(dt.UTC) - dt.timedelta(days=3)).date()
    start, end = f"{day} 00:00:00", f"{day} 23:59:59"
    params = json.dumps({"startTime": start, "startTimeTo": end, "caller": "00%"})
    query = urllib.parse.urlencode({"task": "getVoipCalls", "user": USER, "password": PASSWORD, "params": params})

    columns = ", ".join(connection.ops.quote_name(Cdr._meta.get_field(c).column) for c in VOIPCALLS_COLUMNS)
    sql = (
        f"SELECT {columns} FROM {Cdr._meta.db_table} WHERE tenant_id = %s AND calldate >= %s "
        "AND calldate <= %s AND caller LIKE %s AND left(caller, 2) = %s ORDER BY calldate, id"
    )
    # The API's predicates, the prefix's stated head (left(caller, 2), apps/cdr/filterkit.py) included.
    bounds = (tenant.pk, f"{start}+00", f"{end}+00", "00%", "00")
    raw = connection.cursor().cursor
    rows_seen, received = {}, []

    def plain_sql():
        raw.execute(sql, bounds)
        rows_seen["sql"] = len(raw.fetchall())

    # Two more peers, so the comparison does not hinge on one client setup: a fresh psycopg connection
    # with psycopg's default loaders (inet -> ipaddress objects, jsonb parsed), and the same rows with the
    # datetimes formatted by PostgreSQL (what the API itself asks for), on the project's connection.
    import psycopg

    fresh = psycopg.connect(args.database_url.replace("postgres://", "postgresql://"))
    fresh_cursor = fresh.cursor()
    tz_columns = ", ".join(
        f"to_char(timezone('UTC', {c}), 'YYYY-MM-DD HH24:MI:SS')" if c in ('"calldate"', '"callend"') else c
        for c in (connection.ops.quote_name(Cdr._meta.get_field(n).column) for n in VOIPCALLS_COLUMNS)
    )
    tuned_sql = sql.replace(columns, tz_columns, 1)

    server, port = start_server(args.database_url)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def api_call():
            # The response's last byte is the request's latency (what wrk or curl report); decoding the
            # 4 MB of JSON is the client's own work, timed on top of it and printed beside it.
            start = time.perf_counter()
            conn.request("GET", f"/php/api.php?{query}")
            raw_body = conn.getresponse().read()
            received.append((time.perf_counter() - start) * 1000)
            body = orjson.loads(raw_body)
            assert body["success"], body
            assert len(body["cdr"]) == body["total"], (len(body["cdr"]), body["total"])
            rows_seen["api"] = body["total"]

        runs = interleaved(
            {
                "api": api_call,
                "plain": plain_sql,
                "fresh": lambda: (fresh_cursor.execute(sql, bounds), fresh_cursor.fetchall()),
                "tuned": lambda: (raw.execute(tuned_sql, bounds), raw.fetchall()),
            },
            args.runs,
        )
        received = received[-args.runs :]
    finally:
        server.terminate()
        server.wait()
    api, plain, fresh_runs, tuned_runs = runs["api"], runs["plain"], runs["fresh"], runs["tuned"]
    fresh.close()
    raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, bounds)
    plan = "\n".join(row[0] for row in raw.fetchall())
    api_sql, api_params = api_query_sql(json.loads(params)).query.sql_with_params()
    raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + api_sql, api_params)
    api_plan = "\n".join(row[0] for row in raw.fetchall())
    total = Cdr.objects.filter(tenant=tenant).count()
    assert rows_seen["api"] == rows_seen["sql"] > 0, f"API and plain SQL disagree: {rows_seen}"

    (api_med, api_p95), (sql_med, sql_p95) = summary(received), summary(plain)
    parsed_med, parsed_p95 = summary(api)
    print(
        f"\ncalls in tenant: {total:,}; window {day} (UTC), caller LIKE '00%': {rows_seen['api']} rows "
        f"(plain SQL {rows_seen['sql']})"
    )
    print(f"{'':28}{'median ms':>12}{'p95 ms':>10}")
    print(f"{'getVoipCalls over HTTP':28}{api_med:12.1f}{api_p95:10.1f}   last byte of the response received")
    print(f"{'  and its JSON decoded':28}{parsed_med:12.1f}{parsed_p95:10.1f}   plus orjson.loads in the client")
    print(f"{'plain SQL (psycopg)':28}{sql_med:12.1f}{sql_p95:10.1f}   project connection (Django's loaders)")
    for label, runs in (("  fresh psycopg connection", fresh_runs), ("  datetimes formatted in SQL", tuned_runs)):
        median, p95 = summary(runs)
        print(f"{label:28}{median:12.1f}{p95:10.1f}   (API / this: {api_med / median:.2f}x)")
    print(
        f"ratio API / SQL (median): {api_med / sql_med:.2f}x (with the JSON decoded: {parsed_med / sql_med:.2f}x)"
        "   targets: <= 2x and < 50 ms median"
    )
    print("\nEXPLAIN (ANALYZE, BUFFERS) of the plain SQL:\n" + plan)
    print("\nEXPLAIN (ANALYZE, BUFFERS) of the API's own SQL (its filters, without the column list):\n" + api_plan)


if __name__ == "__main__":
    main()
