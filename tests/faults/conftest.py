"""Fixtures of the fault tests: a private stack (PostgreSQL, Redis, gunicorn with production settings)
whose parts the tests kill and restart, a real Celery worker they SIGKILL, a size-limited filesystem."""

import json
import os
import signal
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.db import connection

from tests.celery_worker import reset_pools
from tests.conftest import SHARED
from tests.dbsessions import wait_for_other_sessions_to_close

from .procs import REPO, Gunicorn, PrivatePostgres, PrivateRedis, Tmpfs, python, wait_until

CAPTURES = SHARED / "captures"
PASSWORD = "Fault-t0lerant-pw"
SEED = """
import json
from apps.capture.services import capture_import_file
from apps.sensors.services import sensor_create
from apps.tenants.services import tenant_create
from apps.accounts.services import apitoken_issue
from apps.users.services import user_create

tenant = tenant_create(slug="ops", name="Operations", timezone="UTC")
sensor_create(tenant=tenant, id_sensor=1, name="ops sensor 1")
user = user_create(username="opsuser", tenant=tenant, password=%(password)r, is_admin=True)
summary = capture_import_file(tenant=tenant, id_sensor=1, path=%(capture)r)
print(json.dumps({"token": apitoken_issue(user=user), "imported": summary["imported"]}))
"""


def require_root(what):
    if os.geteuid() != 0:
        pytest.skip(f"{what} needs root (CI runs as root)")


@pytest.fixture(scope="session")
def private_stack(tmp_path_factory):
    """PostgreSQL and Redis of our own, migrated and seeded (a tenant, an admin user and the calls of a
    real capture), served by gunicorn with production settings. Tests may stop, restart or kill the
    database and Redis; each test leaves them running again."""
    pg, redis = PrivatePostgres(), PrivateRedis()
    media = tmp_path_factory.mktemp("stack-media")
    server = None
    try:
        pg.init()
        redis.start()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VOIPMON_TEST", "CELERY_"))},
            "DATABASE_URL": pg.url(),
            "CELERY_BROKER_URL": redis.url(0),
            "REDIS_CACHE_URL": redis.url(1),
            "VOIPMON_MEDIA_ROOT": str(media),
            "VOIPMON_API_SLOT_DIR": str(media / "api-slots"),
            "DJANGO_SETTINGS_MODULE": "voipmon.settings.production",
            "DJANGO_SECRET_KEY": "fault-tests-" + "x" * 50,
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        python("manage.py", "migrate", "--noinput", env=env)
        seeded = python(
            "manage.py",
            "shell",
            "-c",
            SEED % {"password": PASSWORD, "capture": str(CAPTURES / "sip_dtmf_rfc2833_via_proxy.pcap")},
            env=env,
        )
        seed = json.loads(seeded.strip().splitlines()[-1])
        server = Gunicorn(env)
        server.start()
        yield SimpleNamespace(
            pg=pg, redis=redis, server=server, media=media, env=env, user="opsuser", password=PASSWORD, **seed
        )
    finally:
        if server:
            server.stop()
        redis.stop()
        pg.destroy()


FAST_RECOVERY = {
    # the killed job's message comes back within seconds, and its silent heartbeat is stale after 2 s
    "VOIPMON_CELERY_VISIBILITY_TIMEOUT": "3",
    "VOIPMON_CELERY_RESTORE_INTERVAL": "1",
    "VOIPMON_JOB_LEASE_SECONDS": "2",
}


class WorkerProcess:
    """`celery worker -P solo`: the task runs in this very process, so SIGKILL stops it mid-job."""

    def __init__(self, env, ping=True):
        self.env = {**env, **FAST_RECOVERY}
        self.ping = ping
        self.process = None
        self.kills = 0

    @classmethod
    def on_test_database(cls, broker_url, media_root):
        db = connection.settings_dict
        database_url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        env = {
            **os.environ,
            "DATABASE_URL": f"{database_url}/{db['NAME']}",
            "CELERY_BROKER_URL": broker_url,
            "DJANGO_SETTINGS_MODULE": "voipmon.settings.test",
            "VOIPMON_CELERY_WORKER": "1",
            "VOIPMON_MEDIA_ROOT": str(media_root),
        }
        return cls(env)

    def start(self):
        from voipmon.celery import app

        reset_pools(app)  # connections of this process to a Redis a test restarted are dead
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "voipmon", "worker", "-P", "solo", "-c", "1", "-l", "warning"]
            + [
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                "celery",
                "-n",
                f"fault{self.kills}@%h",
            ],
            cwd=REPO,
            env=self.env,
        )
        if self.ping:
            wait_until(lambda: app.control.ping(timeout=0.5) or self.process.poll() is not None, 30, 0, "worker ping")
        assert self.process.poll() is None, "the Celery worker exited at start"

    def kill(self):
        """SIGKILL: no warm shutdown, no acknowledgement, no clean-up of any kind."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self.kills += 1

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@pytest.fixture
def killable_worker(transactional_db, settings, tmp_path):
    """A worker that tests kill and start again; the app in this process publishes to its private Redis."""
    from voipmon.celery import app

    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot see the in-memory SQLite test database; runs on PostgreSQL")
    settings.MEDIA_ROOT = tmp_path / "media"
    redis = PrivateRedis()
    redis.start()
    app.conf.update(broker_url=redis.url(0), task_always_eager=False)
    reset_pools(app)
    worker = WorkerProcess.on_test_database(redis.url(0), settings.MEDIA_ROOT)
    worker.redis = redis
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()
        wait_for_other_sessions_to_close()
        app.conf.update(broker_url="", task_always_eager=True)
        reset_pools(app)
        redis.stop()


@pytest.fixture
def small_disk(settings, tmp_path):
    """The media root on a tmpfs of its own, resized by the test: a disk that really fills up."""
    require_root("mounting a size-limited tmpfs")
    disk = Tmpfs(tmp_path / "media", 1024 * 1024)
    disk.mount()
    settings.MEDIA_ROOT = disk.path
    try:
        yield disk
    finally:
        disk.unmount()
