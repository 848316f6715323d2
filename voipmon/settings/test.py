"""Test settings: the database comes from DATABASE_URL (PostgreSQL in CI, SQLite otherwise)."""

from pathlib import Path

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, DATABASES, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Live-server request threads must not keep connections open, or the test database cannot be dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0
# Under pytest-xdist (`-n 2`, what .ci/run uses) each worker process has its own test database, so ids
# repeat across workers: everything keyed by an id outside the database (media files, API slot files, the
# Redis broker's queues) gets a place per worker too. PYTEST_XDIST_WORKER is gw0, gw1, ...
XDIST_WORKER = env("PYTEST_XDIST_WORKER", "")
XDIST_INDEX = int(XDIST_WORKER.removeprefix("gw") or 0)
MEDIA_ROOT = Path(env("VOIPMON_MEDIA_ROOT", str(BASE_DIR / "var" / f"test-media{XDIST_WORKER}")))
VOIPMON_API_SLOT_DIR = env("VOIPMON_API_SLOT_DIR", str(BASE_DIR / "var" / f"test-api-slots{XDIST_WORKER}"))


def redis_db_per_worker(url):
    """The same Redis server, database number shifted by the xdist worker's index (modulo Redis's 16)."""
    if not url or not XDIST_INDEX:
        return url
    base, _, db = url.rpartition("/")
    return f"{base}/{(int(db or 0) + XDIST_INDEX) % 16}" if db.isdigit() else url


# A real worker started by tests/celery_worker.py gets its broker through the environment.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "") if env("VOIPMON_CELERY_WORKER") else ""
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Integration tests that need a real broker read this.
VOIPMON_TEST_REDIS_URL = redis_db_per_worker(env("VOIPMON_TEST_REDIS_URL", "redis://127.0.0.1:6379/13"))
OTP_TOTP_THROTTLE_FACTOR = 0
# Live capture tests choose the active-call store themselves (database by default, Redis in its own test).
VOIPMON_LIVE_REDIS_URL = redis_db_per_worker(env("VOIPMON_LIVE_TEST_REDIS_URL", ""))
