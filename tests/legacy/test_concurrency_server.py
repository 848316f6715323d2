"""The API concurrency limit holds across server processes: gunicorn with several workers, real HTTP.

Two requests are held in flight by a table lock the test takes; further requests of the same tenant,
served by the other workers, are refused at once (legacy shape; REST 429 with Retry-After). When the
lock goes, the two held requests finish normally.
"""

import concurrent.futures
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from apps.accounts.services import apitoken_issue
from apps.cdr.models import Cdr
from tests.conftest import PASSWORD, REPO
from tests.dbsessions import wait_for_other_sessions_to_close

from .slots import psycopg_dsn

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

QUERY = urllib.parse.urlencode(
    {"task": "getVoipCalls", "user": "arthur", "password": PASSWORD, "params": json.dumps({"startTime": "2024-01-01"})}
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tenant_a, user_a, make_call):
    tenant_a.api_max_concurrent_connections = 2
    tenant_a.save()
    make_call(tenant_a)
    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "voipmon.settings.test"}
    gunicorn = Path(sys.executable).parent / "gunicorn"
    args = [str(gunicorn), "voipmon.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "4", "--timeout", "60"]
    proc = subprocess.Popen([*args, "--log-level", "warning"], cwd=REPO, env=env)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        get(port, f"/php/api.php?{QUERY}")  # warm the workers' imports
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        wait_for_other_sessions_to_close()


def get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_limit_holds_across_worker_processes(server, user_a):
    token = apitoken_issue(user=user_a)
    with psycopg.connect(psycopg_dsn()) as blocker, concurrent.futures.ThreadPoolExecutor(4) as pool:
        blocker.execute(f"LOCK TABLE {Cdr._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        held = [pool.submit(get, server, f"/php/api.php?{QUERY}") for _ in range(2)]
        time.sleep(2)  # both are now inside a worker, waiting for the table
        assert not any(f.done() for f in held)
        refused = [json.loads(get(server, f"/php/api.php?{QUERY}")[2]) for _ in range(3)]
        status, headers, _body = get(server, "/api/v1/calls/", {"Authorization": f"Token {token}"})
        assert all(body["success"] is False and "Too many concurrent" in body["error"] for body in refused), refused
        assert status == 429 and headers.get("Retry-After")
        # the refusals came back while the held requests still wait for the table: nothing waited for them
        assert not any(f.done() for f in held), "refusals must not wait for the held requests"
        blocker.rollback()  # release the table
        results = [json.loads(f.result(timeout=30)[2]) for f in held]
    assert all(body["success"] is True and body["total"] == 1 for body in results), results
    assert json.loads(get(server, f"/php/api.php?{QUERY}")[2])["success"] is True
