"""Fixtures every test can use. Two tenants always exist, and a sensor-restricted user."""

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.db.backends.signals import connection_created

from apps.cdr.services import cdr_create
from apps.sensors.services import sensor_create
from apps.tenants.services import tenant_create
from apps.users.services import user_create

pytest_plugins = ["tests.strict_skips", "tests.celery_worker"]  # strict_skips first: celery_worker imports it

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("VOIPMON_SHARED_DIR", REPO.parent / "shared"))


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues(tmp_path_factory):
    """Pages in the tests speak the committed catalogues: *.mo files are build output (not committed, as
    `make run` compiles them), so each test run compiles locale/*.po once with GNU msgfmt."""
    from django.test import override_settings

    if not shutil.which("msgfmt"):
        yield None  # tests/test_locale.py fails on its own, naming the missing tool
        return
    root = tmp_path_factory.mktemp("locale")
    for po in sorted((REPO / "locale").glob("*/LC_MESSAGES/django.po")):
        target = root / po.parent.relative_to(REPO / "locale")
        target.mkdir(parents=True)
        subprocess.run(["msgfmt", "-o", str(target / "django.mo"), str(po)], check=True, timeout=120)
    with override_settings(LOCALE_PATHS=[str(root)]):
        yield root


PASSWORD = "s3cret-Pa55"


def _in_memory_sqlite_defers(sender, connection, **kwargs):
    """The SQLite test database lives in memory with a shared cache, where a lock is refused at once
    ("database table is locked") instead of waited for: IMMEDIATE transactions (the embedded default's
    setting, docs/decisions.md) would make a live-server page's parallel requests fail there. File
    databases, where the busy timeout applies (tests/core/test_sqlite_busy.py), keep IMMEDIATE."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        connection.transaction_mode = None


connection_created.connect(_in_memory_sqlite_defers)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Sign-in lock counters and the credential cache live in the cache: each test starts clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tenant_a(db):
    tenant = tenant_create(slug="acme", name="ACME Telecom", timezone="Europe/Prague")
    for number in (1, 2):
        sensor_create(tenant=tenant, id_sensor=number, name=f"acme sensor {number}")
    return tenant


@pytest.fixture
def tenant_b(db):
    tenant = tenant_create(slug="globex", name="Globex VoIP", timezone="UTC")
    sensor_create(tenant=tenant, id_sensor=1, name="globex sensor 1")
    return tenant


@pytest.fixture
def admin_a(tenant_a):
    return user_create(username="alice", tenant=tenant_a, password=PASSWORD, is_admin=True)


@pytest.fixture
def user_a(tenant_a):
    return user_create(username="arthur", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True})


@pytest.fixture
def restricted_a(tenant_a):
    """Sees sensor 2 of tenant A only."""
    return user_create(username="rita", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True}, sensors=[2])


@pytest.fixture
def user_b(tenant_b):
    return user_create(username="bob", tenant=tenant_b, password=PASSWORD, flags={"can_cdr": True})


@pytest.fixture
def make_call():
    counter = iter(range(1, 10**9))

    def make(tenant, *, calldate="2024-03-05 10:00:00", duration=60.0, **fields):
        start = dt.datetime.fromisoformat(calldate).replace(tzinfo=dt.UTC)
        n = next(counter)
        values = {
            "callid": f"call-{n}@test",
            "caller": "420601000001",
            "called": "420602000002",
            "sipcallerip": "192.0.2.10",
            "sipcalledip": "198.51.100.20",
            "id_sensor": 1,
            "lastSIPresponseNum": 200,
            "lastSIPresponse": "200 OK",
            "connect_duration": duration - 5,
            "bye": 3,
            "whohanged": "caller",
            "a_payload": 8,
            "b_payload": 8,
            "payload": 8,
        }
        values.update(fields)
        return cdr_create(
            tenant=tenant, calldate=start, callend=start + dt.timedelta(seconds=duration), duration=duration, **values
        )

    return make


@pytest.fixture
def is_postgres(db):
    return connection.vendor == "postgresql"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, plus: before it is dropped, end the sessions that threads of a live
    server (or a process a test started) left idle on it, so teardown never fails on "being accessed"."""
    yield
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server for the test; Django's SMTP backend is pointed at it. Yields its Inbox."""
    from tests.mailserver import smtp_server_start

    controller, inbox = smtp_server_start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()
