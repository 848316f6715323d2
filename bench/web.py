"""The call browser's first page over 1,000,000 calls with three filters, next to the same search through
the legacy API (getVoipCalls), in the same run, on a real gunicorn server.

    .venv/bin/python bench/web.py [--database-url URL] [--calls 1000000] [--runs 40] [--keep]

Its own database (voipmon_webbench, dropped at the end unless --keep), seeded with PostgreSQL COPY
(bench/query.py's seeding: tenant "bench", 30 days of calls). Three filters: one day, caller `00%`,
answered calls only. Times, round by round: `GET /calls/?...` signed in with a session (the whole page,
and the results alone as htmx asks for them), getVoipCalls with the same three filters, and the same
count with plain SQL. Each figure is the latency to the response's last byte over loopback. The
page's total, getVoipCalls' row count and the SQL count must agree. Target: page < 150 ms median.
"""

import argparse
import datetime as dt
import http.client
import json
import re
import sys
import urllib.parse

from _common import ensure_database, interleaved, setup_django, start_server, summary

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/voipmon_webbench"
TOTAL = re.compile(rb'id="total-count" data-total="(\d+)"')
ROW = re.compile(rb'<tr data-id="(\d+)"')


def sign_in(conn, user, password):
    """A real sign-in through the page (CSRF cookie and token, then the form); returns the Cookie header."""
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    body = response.read()
    cookies = dict(
        part.split(";", 1)[0].split("=", 1) for part in response.headers.get_all("Set-Cookie") or [] if "=" in part
    )
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": user, "password": password})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={cookies['csrftoken']}",
        "Referer": "http://127.0.0.1/accounts/login/",
    }
    conn.request("POST", "/accounts/login/", body=form, headers=headers)
    response = conn.getresponse()
    response.read()
    assert response.status == 302, f"sign-in answered {response.status}"
    for part in response.headers.get_all("Set-Cookie") or []:
        name, value = part.split(";", 1)[0].split("=", 1)
        cookies[name] = value
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def drop_database(database_url):
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the seeded database for another run")
    args = parser.parse_args()
    ensure_database(args.database_url)
    try:
        run(args)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(args.database_url)
            print(f"dropped {args.database_url.rsplit('/', 1)[1]}")


def prepare(calls):
    """bench/query.py's tenant, user and seeding, made fast for a fresh database: the call table's secondary
    indexes are built once after COPY instead of row by row, and the reports' summaries (not read here)
    are not kept up to date while seeding."""
    from django.core.management import call_command
    from django.db import connection
    from query import prepare as query_prepare

    from apps.cdr import services
    from apps.cdr.models import Cdr
    from apps.tenants.models import Tenant

    call_command("migrate", verbosity=0)
    tenant = Tenant.objects.filter(slug="bench").first()
    have = Cdr.objects.filter(tenant=tenant).count() if tenant else 0
    if have >= calls:
        return query_prepare(calls)
    hooks = list(services._write_hooks)
    services._write_hooks.clear()
    with connection.schema_editor() as editor:
        for index in Cdr._meta.indexes:
            editor.execute(f'DROP INDEX IF EXISTS "{index.name}"')
    try:
        return query_prepare(calls)  # seeds what is missing, then VACUUM ANALYZE
    finally:
        print("building the call table's indexes ...")
        with connection.schema_editor() as editor:
            for index in Cdr._meta.indexes:
                editor.add_index(Cdr, index)
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Cdr._meta.db_table}")
        services._write_hooks[:] = hooks


def run(args):
    setup_django(args.database_url)
    from query import PASSWORD, USER

    tenant = prepare(args.calls)
    from django.db import connection

    from apps.cdr.models import Cdr

    day = (dt.datetime.now(dt.UTC) - dt.timedelta(days=3)).date()
    start, end = f"{day} 00:00:00", f"{day} 23:59:59"
    page_query = urllib.parse.urlencode(
        {"calldate_from": start, "calldate_to": end, "caller": "00%", "connected": "true"}
    )
    legacy_params = json.dumps({"startTime": start, "startTimeTo": end, "caller": "00%", "onlyConnected": 1})
    legacy_query = urllib.parse.urlencode(
        {"task": "getVoipCalls", "user": USER, "password": PASSWORD, "params": legacy_params}
    )
    count_sql = (
        f"SELECT count(*) FROM {Cdr._meta.db_table} WHERE tenant_id = %s AND calldate >= %s AND calldate <= %s"
        " AND caller LIKE %s AND connect_duration IS NOT NULL"
    )
    bounds = (tenant.pk, f"{start}+00", f"{end}+00", "00%")  # the tenant's zone is UTC
    raw = connection.cursor().cursor
    seen = {}

    server, port = start_server(args.database_url)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        cookie = sign_in(conn, USER, PASSWORD)

        def page(extra_headers, key, query=page_query):
            def go():
                conn.request("GET", f"/calls/?{query}", headers={"Cookie": cookie, **extra_headers})
                response = conn.getresponse()
                body = response.read()
                assert response.status == 200, (response.status, body[:500])
                seen[key] = (int(TOTAL.search(body).group(1)), len(ROW.findall(body)))

            return go

        def legacy():
            conn.request("GET", f"/php/api.php?{legacy_query}")
            body = json.loads(conn.getresponse().read())
            assert body["success"], body
            seen["legacy"] = body["total"]

        def plain():
            raw.execute(count_sql, bounds)
            seen["sql"] = raw.fetchone()[0]

        htmx = {"HX-Request": "true", "HX-Target": "results"}
        samples = interleaved(
            {
                "page": page({}, "page"),
                "partial": page(htmx, "partial"),
                "legacy": legacy,
                "sql": plain,
                "landing": page({}, "landing", query="last_days=1"),
                "unfiltered": page({}, "unfiltered", query="size=50"),
            },
            args.runs,
        )
    finally:
        server.terminate()
        server.wait()

    total = Cdr.objects.filter(tenant=tenant).count()
    assert seen["page"][0] == seen["partial"][0] == seen["legacy"] == seen["sql"] > 0, seen
    print(f"\ncalls in tenant: {total:,}; filters: {day} (UTC), caller 00%, answered: {seen['sql']} calls")
    print(f"call browser page: {seen['page'][1]} rows shown of {seen['page'][0]}; getVoipCalls: {seen['legacy']} rows")
    print(f"{'':44}{'median ms':>10}{'p95 ms':>9}")
    rows = (
        ("call browser /calls/ (whole page)", "page", "target < 150 ms median"),
        ("  its results alone (htmx request)", "partial", ""),
        ("getVoipCalls, the same three filters", "legacy", "every matching row"),
        ("  plain SQL count of the same calls", "sql", ""),
        ("call browser landing (last day, no filter)", "landing", "what /calls/ opens"),
        ("call browser, no filter at all", "unfiltered", "first page of 1M calls, counted"),
    )
    for label, key, note in rows:
        median, p95 = summary(samples[key])
        print(f"{label:44}{median:10.1f}{p95:9.1f}   {note}")
    page_median, legacy_median = summary(samples["page"])[0], summary(samples["legacy"])[0]
    print(f"ratio page / getVoipCalls (median): {page_median / legacy_median:.2f}x")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
