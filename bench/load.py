"""Load: 64 concurrent clients for 60 seconds against gunicorn with production settings on PostgreSQL.

    .venv/bin/python bench/load.py [--database-url URL] [--calls 20000] [--clients 64] [--seconds 60]

Seeds its own database (voipmon_load, created if missing): a tenant with synthetic calls and one real
capture imported, so a call has a stored pcap. Starts gunicorn on loopback with
`voipmon.settings.production` (clients send `X-Forwarded-Proto: https`, as the TLS proxy in front of it
would). Each client keeps one connection and loops over three requests until the time is up (bounded by
--max-requests too): getVoipCalls (one day, caller prefix), sql.php LISTING (a page of 100 with its total,
session cookie from bypass_login) and the pcap download of the imported call through REST (token).
Asserts no error (a non-200, a legacy `success: false`, a connection failure); prints p50/p99 per request
and the server's RSS (master and workers) at the start and the end of the run, and asserts it stayed
flat. Peer, in the same run: the same two queries as plain SQL from as many psycopg connections at once.
"""

import argparse
import datetime as dt
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from _common import REPO, ensure_database, free_port, setup_django

TENANT, USER, PASSWORD = "load", "load", "load-password-7Q"
CAPTURE = Path(os.environ.get("VOIPMON_SHARED_DIR", REPO.parent / "shared")) / "captures"
CAPTURE_FILE = "sip_g711u_call_both_ways_loss_bye.pcap"


def options():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/voipmon_load")
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--peer-seconds", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=3, help="as docker/compose.yml runs it")
    parser.add_argument("--max-requests", type=int, default=1_000_000, help="a bound on the loop, whatever the time")
    return parser.parse_args()


def prepare(calls):
    """The tenant, its user and token, its calls and one imported capture; returns (token, pcap call id)."""
    from django.core.management import call_command

    from apps.accounts.services import apitoken_issue
    from apps.capture.services import capture_import_file
    from apps.cdr.models import Cdr
    from apps.cdr.services import cdr_seed
    from apps.core.capabilities import GRANTING_FLAGS
    from apps.sensors.services import sensor_ensure_default
    from apps.tenants.models import Tenant
    from apps.tenants.services import tenant_create
    from apps.users.models import User
    from apps.users.services import user_create

    call_command("migrate", verbosity=0)
    tenant = Tenant.objects.filter(slug=TENANT).first() or tenant_create(slug=TENANT, name="Load", timezone="UTC")
    sensor_ensure_default(tenant=tenant)
    user = User.objects.filter(username=USER).first() or user_create(
        username=USER, tenant=tenant, password=PASSWORD, flags=dict.fromkeys(GRANTING_FLAGS, True)
    )
    have = Cdr.objects.filter(tenant=tenant).count()
    if have < calls:
        print(f"seeding {calls - have} calls ...", flush=True)
        cdr_seed(tenant=tenant, count=calls - have, days=30, seed=11)
    capture_import_file(tenant=tenant, id_sensor=1, path=CAPTURE / CAPTURE_FILE)  # idempotent
    pcap_call = Cdr.objects.filter(tenant=tenant).exclude(pcap_full="").exclude(pcap_full=None).order_by("-id").first()
    return tenant, apitoken_issue(user=user), pcap_call.pk


def start_gunicorn(database_url, workers):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "voipmon.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    cmd = [str(gunicorn), "voipmon.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", str(workers)]
    proc = subprocess.Popen([*cmd, "--log-level", "warning", "--timeout", "120"], cwd=REPO, env=env)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/schema/", headers={"X-Forwarded-Proto": "https"})
            conn.getresponse().read()
            return proc, port
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def server_rss_mb(pid):
    """RSS of the gunicorn master and its workers, from /proc."""
    pids = [pid]
    try:
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    total = 0
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024, len(pids) - 1


def percentile(samples, q):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


class Requests:
    """The three requests, each as (method, path, headers, check(status, body) -> error or None)."""

    def __init__(self, port, token, pcap_id, day):
        self.port = port
        params = json.dumps({"startTime": f"{day} 00:00:00", "startTimeTo": f"{day} 23:59:59", "caller": "00%"})
        voip = urllib.parse.urlencode({"task": "getVoipCalls", "user": USER, "password": PASSWORD, "params": params})
        since = (day - dt.timedelta(days=7)).isoformat()
        listing = urllib.parse.urlencode(
            {"module": "CDR", "task": "LISTING", "fdatefrom": f"{since}T00:00:00", "fcaller": "420%", "limit": 100}
        )
        proto = {"X-Forwarded-Proto": "https"}
        self.cookie = {**proto, "Cookie": self.login(proto)}
        self.kinds = {
            "getVoipCalls": ("GET", f"/php/api.php?{voip}", proto, legacy_ok),
            "sql.php LISTING": ("GET", f"/php/model/sql.php?{listing}", self.cookie, legacy_ok),
            "pcap download": (
                "GET",
                f"/api/v1/calls/{pcap_id}/pcap/",
                {**proto, "Authorization": f"Token {token}"},
                pcap_ok,
            ),
        }

    def login(self, proto):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        query = urllib.parse.urlencode({"module": "bypass_login", "user": USER, "pass": PASSWORD})
        conn.request("GET", f"/php/model/sql.php?{query}", headers=proto)
        body = json.loads(conn.getresponse().read())
        assert body.get("success"), body
        return f"{body['cookie_name']}={body['SID']}"


def legacy_ok(status, body):
    if status != 200:
        return f"HTTP {status}"
    decoded = json.loads(body)
    return None if decoded.get("success") is True else f"success false: {str(decoded)[:200]}"


def pcap_ok(status, body):
    if status != 200:
        return f"HTTP {status}: {body[:200]!r}"
    return None if body[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"PK\x03\x04") else "not a pcap"


def client_loop(requests, index, end, budget, results, errors):
    conn = http.client.HTTPConnection("127.0.0.1", requests.port, timeout=120)
    names = list(requests.kinds)
    turn = index
    while time.monotonic() < end and budget.acquire(blocking=False):
        name = names[turn % len(names)]
        turn += 1
        method, path, headers, check = requests.kinds[name]
        start = time.perf_counter()
        try:
            conn.request(method, path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            error = check(response.status, body)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", requests.port, timeout=120)
        results[name].append((time.perf_counter() - start) * 1000)
        if error:
            errors.append(f"{name}: {error}")
    conn.close()


def run_clients(target, clients, seconds, max_requests, names):
    results = {name: [] for name in names}
    errors = []
    budget = threading.Semaphore(max_requests)
    end = time.monotonic() + seconds
    threads = [
        threading.Thread(target=target, args=(i, end, budget, results, errors), daemon=True) for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 180)
    return results, errors


def peer_sql(database_url, tenant_id, day, clients, seconds, max_requests):
    """The same getVoipCalls and LISTING queries as plain SQL, from `clients` psycopg connections at once."""
    import psycopg

    from apps.cdr.models import Cdr
    from apps.legacy.listingrows import LISTING_COLUMNS
    from apps.legacy.rows import VOIPCALLS_COLUMNS

    def cols(names):
        return ", ".join(f'"{Cdr._meta.get_field(c).column}"' for c in names)

    table = Cdr._meta.db_table
    since = dt.datetime.combine(day - dt.timedelta(days=7), dt.time(), tzinfo=dt.UTC)
    queries = {
        "getVoipCalls": (
            f"SELECT {cols(VOIPCALLS_COLUMNS)} FROM {table} WHERE tenant_id = %s AND calldate >= %s"
            " AND calldate <= %s AND caller LIKE '00%%' AND left(caller, 2) = '00' ORDER BY calldate, id",
            (tenant_id, f"{day} 00:00:00+00", f"{day} 23:59:59+00"),
        ),
        "sql.php LISTING": (
            f"SELECT {cols(LISTING_COLUMNS)} FROM {table} WHERE tenant_id = %s AND calldate >= %s"
            " AND caller LIKE '420%%' AND left(caller, 2) = '42' ORDER BY calldate DESC, id DESC LIMIT 100",
            (tenant_id, since),
        ),
    }
    count_sql = f"SELECT count(*) FROM {table} WHERE tenant_id = %s AND calldate >= %s AND caller LIKE '420%%'"
    url = database_url.replace("postgres://", "postgresql://")

    def loop(index, end, budget, results, errors):
        with psycopg.connect(url) as conn:
            names, turn = list(queries), index
            while time.monotonic() < end and budget.acquire(blocking=False):
                name = names[turn % len(names)]
                turn += 1
                sql, params = queries[name]
                start = time.perf_counter()
                rows = conn.execute(sql, params).fetchall()
                if name == "sql.php LISTING":
                    conn.execute(count_sql, (tenant_id, since)).fetchone()  # LISTING answers its total too
                results[name].append((time.perf_counter() - start) * 1000)
                if rows is None:
                    errors.append(name)

    return run_clients(loop, clients, seconds, max_requests, list(queries))


def report(label, results, seconds):
    for name, samples in results.items():
        rate = len(samples) / seconds
        p50, p99 = statistics.median(samples) if samples else float("nan"), percentile(samples, 0.99)
        print(f"  {label:10}{name:18}{len(samples):>9,}{rate:>9.1f}{p50:>10.1f}{p99:>10.1f}")


def main():
    args = options()
    ensure_database(args.database_url)
    setup_django(args.database_url)
    tenant, token, pcap_id = prepare(args.calls)
    day = (dt.datetime.now(dt.UTC) - dt.timedelta(days=3)).date()

    server, port = start_gunicorn(args.database_url, args.workers)
    try:
        requests = Requests(port, token, pcap_id, day)
        for method, path, headers, check in requests.kinds.values():  # warm-up: every kind answers once
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request(method, path, headers=headers)
            response = conn.getresponse()
            error = check(response.status, response.read())
            assert error is None, f"{path}: {error}"
        rss_start, workers = server_rss_mb(server.pid)
        print(
            f"load: {args.clients} clients for {args.seconds:.0f} s, gunicorn with {workers} workers "
            f"(voipmon.settings.production, PostgreSQL {args.database_url.rsplit('/', 1)[1]}), "
            f"{args.calls:,} calls, pcap of call {pcap_id}",
            flush=True,
        )

        def loop(index, end, budget, results, errors):
            client_loop(requests, index, end, budget, results, errors)

        started = time.monotonic()
        results, errors = run_clients(loop, args.clients, args.seconds, args.max_requests, list(requests.kinds))
        elapsed = time.monotonic() - started
        rss_end, _workers = server_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait()

    peer, peer_errors = peer_sql(args.database_url, tenant.pk, day, args.clients, args.peer_seconds, args.max_requests)
    print(f"  {'':10}{'request':18}{'count':>9}{'per s':>9}{'p50 ms':>10}{'p99 ms':>10}")
    report("voipmon", results, elapsed)
    report("plain SQL", peer, args.peer_seconds)
    growth = rss_end - rss_start
    print(f"server RSS (master + workers): start {rss_start:.0f} MB, end {rss_end:.0f} MB ({growth:+.0f} MB)")
    print(f"machine: {os.cpu_count()} CPUs, load average at the end {os.getloadavg()[0]:.1f} (other work shares them)")
    assert not errors, f"{len(errors)} errors, e.g. {errors[:5]}"
    assert not peer_errors, peer_errors
    assert all(results.values()), "every kind of request ran"
    assert growth <= max(0.15 * rss_start, 40), f"the server's memory grew by {growth:.0f} MB over the run"
    print("no errors; memory flat")


if __name__ == "__main__":
    main()
