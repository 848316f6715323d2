"""sql.php LISTING with ten filters at once, over HTTP, next to the same query as plain SQL, on 1,000,000 calls.

    .venv/bin/python bench/listing.py [--database-url URL] [--calls 1000000] [--runs 40]

Reuses bench/query.py's database, tenant and seeding (voipmon_bench, tenant "bench"). Ten filters:
date range, caller prefix, SIP response class, codec, a MOS and a loss filter, duration range and
sensor. Times LISTING (first page of 100, newest first, with its total), `suppress_results=1` (the count)
and LISTING with `deferTotal=1` (the page alone) through
/php/model/sql.php on a real gunicorn server with a bypass_login session, and the same two queries
through psycopg with plain SQL in the same run. Prints median, p95, ratios and both plans.
"""

import datetime as dt
import http.client
import json
import urllib.parse

from _common import start_server, summary, timed
from query import PASSWORD, USER, seeded_setup

PAGE = 100


def filters_for(window_end):
    start = window_end - dt.timedelta(days=7)
    legacy = {
        "fdatefrom": start.strftime("%Y-%m-%dT%H:%M:%S"),
        "fdateto": window_end.strftime("%Y-%m-%dT%H:%M:%S"),
        "fcaller": "420%",
        "fsipresponse": "2",
        "fcodec": "8,0",
        "fmosf1": "4.0",
        "floss1": "1",
        "fdurationgt": "10",
        "fdurationlt": "600",
        "fsensor_id": "1",
    }
    where = (
        "tenant_id = %s AND calldate >= %s AND calldate <= %s AND caller LIKE %s AND left(caller, 2) = '42'"
        ' AND "lastSIPresponseNum" >= 200 AND "lastSIPresponseNum" < 300 AND payload IN (8, 0)'
        " AND a_mos_f1_mult10 <= 40 AND a_sl1 >= 1 AND duration >= 10.5 AND duration < 599.5 AND id_sensor IN (1)"
    )
    return legacy, where, (start, window_end)


def main():
    args, tenant = seeded_setup()

    from django.db import connection
    from django.db.models import Max

    from apps.cdr.models import Cdr
    from apps.legacy.listingrows import LISTING_COLUMNS

    newest = Cdr.objects.filter(tenant=tenant).aggregate(m=Max("calldate"))["m"].replace(tzinfo=None, microsecond=0)
    legacy, where, (start, end) = filters_for(newest)
    base = {"task": "LISTING", "module": "CDR", "limit": PAGE, "sort": '[{"property":"calldate","direction":"DESC"}]'}
    seen = {}

    server, port = start_server(args.database_url)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        login = urllib.parse.urlencode({"module": "bypass_login", "user": USER, "pass": PASSWORD})
        conn.request("GET", f"/php/model/sql.php?{login}")
        session = json.loads(conn.getresponse().read())
        cookie = {"Cookie": f"{session['cookie_name']}={session['SID']}"}

        def over_http(extra, key):
            def run():
                query = urllib.parse.urlencode({**base, **legacy, **extra})
                conn.request("GET", f"/php/model/sql.php?{query}", headers=cookie)
                body = json.loads(conn.getresponse().read())
                assert body["success"], body
                seen[key] = (len(body["results"]), body.get("total"))

            return run

        http_rows = timed(over_http({}, "listing"), args.runs)
        http_count = timed(over_http({"suppress_results": "1"}, "count"), args.runs)
        http_deferred = timed(over_http({"deferTotal": "1"}, "deferred"), args.runs)
    finally:
        server.terminate()
        server.wait()

    columns = ", ".join(connection.ops.quote_name(Cdr._meta.get_field(c).column) for c in LISTING_COLUMNS)
    table = Cdr._meta.db_table
    rows_sql = f"SELECT {columns} FROM {table} WHERE {where} ORDER BY calldate DESC, id DESC LIMIT {PAGE}"
    count_sql = f"SELECT count(*) FROM {table} WHERE {where}"
    bounds = (tenant.pk, f"{start}+00", f"{end}+00", "420%")
    raw = connection.cursor().cursor

    def plain(sql, key):
        def run():
            raw.execute(sql, bounds)
            seen[key] = raw.fetchall()

        return run

    sql_rows = timed(plain(rows_sql, "sql_rows"), args.runs)
    sql_count = timed(plain(count_sql, "sql_count"), args.runs)
    plans = {}
    for name, sql in (("LISTING", rows_sql), ("count", count_sql)):
        raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, bounds)
        plans[name] = "\n".join(row[0] for row in raw.fetchall())
    total = Cdr.objects.filter(tenant=tenant).count()
    expected = seen["sql_count"][0][0]
    assert seen["listing"] == (len(seen["sql_rows"]), expected), f"LISTING {seen['listing']}, SQL count {expected}"
    assert seen["count"][1] == expected and seen["deferred"][0] == len(seen["sql_rows"]), seen["count"]
    assert expected > 0, "the filters select no call: nothing is measured"

    print(f"\ncalls in tenant: {total:,}; window {start} .. {end} (UTC); filters: {json.dumps(legacy)}")
    print(
        f"LISTING rows: {seen['listing'][0]} of total {seen['listing'][1]} (plain SQL: {len(seen['sql_rows'])} rows,"
        f" count {seen['sql_count'][0][0]}); suppress_results total: {seen['count'][1]}"
    )
    print(f"{'':34}{'median ms':>11}{'p95 ms':>9}{'ratio':>8}")
    for label, ours, theirs, target in (
        ("LISTING (page of 100)", http_rows, sql_rows, 100),
        ("suppress_results=1 (count)", http_count, sql_count, 300),
    ):
        (o_med, o_p95), (s_med, s_p95) = summary(ours), summary(theirs)
        print(f"{label + ' over HTTP':34}{o_med:11.1f}{o_p95:9.1f}{o_med / s_med:7.2f}x   target < {target} ms, <= 2x")
        print(f"{'  same query, plain SQL':34}{s_med:11.1f}{s_p95:9.1f}")
    (d_med, d_p95), (s_med, _s) = summary(http_deferred), summary(sql_rows)
    label = "LISTING deferTotal=1 over HTTP"
    print(f"{label:34}{d_med:11.1f}{d_p95:9.1f}{d_med / s_med:7.2f}x   (page only, no count)")
    for name, plan in plans.items():
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the plain {name} SQL:\n{plan}")


if __name__ == "__main__":
    main()
