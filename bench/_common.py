"""Shared plumbing for the benchmarks: a PostgreSQL database, a real HTTP server, timing statistics."""

import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/voipmon_bench"


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voipmon.settings.local")
    os.environ["DJANGO_DEBUG"] = "false"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def ensure_database(database_url):
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def run_child(cmd, **kwargs):
    """Run a benchmark's child process and return its stdout; if it fails, show what it wrote to stderr
    and stop with its exit status (not a bare CalledProcessError that hides the child's error)."""
    out = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        shown = " ".join(map(str, cmd[:4]))
        raise SystemExit(f"{shown} ... failed with exit status {out.returncode} (its stderr is above)")
    return out.stdout


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(database_url, *, workers=2):
    """gunicorn on loopback with the embedded settings pointed at the benchmark database."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "voipmon.settings.local",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    proc = subprocess.Popen(
        [
            str(gunicorn),
            "voipmon.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


def timed(fn, runs, warmup=4):
    return interleaved({"only": fn}, runs, warmup)["only"]


def interleaved(fns, runs, warmup=4):
    """Time several callables round by round (one call of each per round), so that a machine whose speed
    drifts during the run slows every peer alike and their ratio stays fair. Returns name -> samples.
    The warm-up reaches every server worker: each checks the password once, then caches it."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    samples = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95
