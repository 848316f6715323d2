"""A real Celery worker on a real Redis broker, for integration tests.

The worker is a separate process (`celery -A voipmon worker`) pointed at the test database, so the
tests that use it need PostgreSQL (an in-memory SQLite test database is invisible to another
process) and `django_db(transaction=True)` so that what they write is committed.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.dbsessions import wait_for_other_sessions_to_close
from tests.strict_skips import skip_unless_postgres

REPO = Path(__file__).resolve().parent.parent


def redis_available(url):
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return True
    except Exception:
        return False


def reset_pools(app):
    """Drop the connection and producer pools so the next task goes to the broker now configured."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    # kombu keeps pools in a global registry keyed by broker URL: a closed one would be handed back to
    # the next worker test in this process ("Acquire on closed pool") unless the registry is cleared too.
    from kombu import pools

    pools.reset()


@pytest.fixture
def celery_worker_process(transactional_db, settings_media_root):
    """Start a worker on the Redis test broker; the app sends tasks there instead of running them eagerly."""
    from voipmon.celery import app

    skip_unless_postgres("a worker process cannot see the in-memory SQLite test database")
    url = settings.VOIPMON_TEST_REDIS_URL
    if not redis_available(url):
        pytest.skip(f"no Redis broker at {url}")
    env = worker_env(url)
    app.conf.update(broker_url=url, task_always_eager=False)
    reset_pools(app)
    worker = worker_spawn(env)
    try:
        worker_wait(app, worker)
        yield app
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        wait_for_other_sessions_to_close()
        app.conf.update(broker_url="", task_always_eager=True)
        reset_pools(app)


def worker_env(url):
    """The environment of a worker process: the test database, the broker, the shared media root."""
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": url,
        "DJANGO_SETTINGS_MODULE": "voipmon.settings.test",
        "VOIPMON_CELERY_WORKER": "1",
        "VOIPMON_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }


def worker_spawn(env):
    """Start one worker process (solo pool); a test may start another after killing the first."""
    command = [sys.executable, "-m", "celery", "-A", "voipmon", "worker", "-P", "solo", "-c", "1", "-l", "warning"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", "celery"]
    return subprocess.Popen(command, cwd=REPO, env=env)


def worker_wait(app, worker, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if app.control.ping(timeout=0.5):
            return
        if worker.poll() is not None:
            pytest.fail("the Celery worker exited at start")
    pytest.fail(f"the Celery worker did not answer a ping within {timeout} s")


@pytest.fixture
def settings_media_root(settings, tmp_path):
    """A media root the test and the worker process share."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def wait_for(predicate, timeout=60, interval=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
