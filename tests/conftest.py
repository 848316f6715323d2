"""Fixtures every test can use. Two tenants always exist, and a sensor-restricted user."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.db import connection

from apps.cdr.services import cdr_create
from apps.sensors.services import sensor_create
from apps.tenants.services import tenant_create
from apps.users.services import user_create

pytest_plugins = ["tests.celery_worker"]

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("VOIPMON_SHARED_DIR", REPO.parent / "shared"))
PASSWORD = "s3cret-Pa55"


# The one skip reason allowed under VOIPMON_TESTS_STRICT=1 (what .ci/run sets), and only on SQLite: every
# other skip (a capture, a tool, a service missing) fails a strict run instead of passing quietly.
POSTGRES_ONLY = "PostgreSQL only: "
STRICT = os.environ.get("VOIPMON_TESTS_STRICT") == "1"


def on_postgres():
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def skip_unless_postgres(why):
    """Skip on the SQLite pass, with the one reason a strict run lets through."""
    if not on_postgres():
        pytest.skip(POSTGRES_ONLY + why)


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` skip, with their reason, when the suite runs on SQLite."""
    if on_postgres():
        return
    skip = pytest.mark.skip(reason=POSTGRES_ONLY + "the suite is running on SQLite")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def skip_reason(report):
    longrepr = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return text.removeprefix("Skipped: ")


def allowed_skip(report):
    return hasattr(report, "wasxfail") or (skip_reason(report).startswith(POSTGRES_ONLY) and not on_postgres())


def fail_skip(report):
    reason = skip_reason(report)
    report.outcome = "failed"
    report.longrepr = f"VOIPMON_TESTS_STRICT=1: skipped, which a strict run does not allow: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not allowed_skip(report):
        fail_skip(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """A module that skips itself whole (`allow_module_level=True`) is a collection error when strict."""
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not allowed_skip(report):
        fail_skip(report)


def pytest_terminal_summary(terminalreporter):
    """How many tests ran (passed or failed) on this database, and what skipped; also written to
    $VOIPMON_TESTS_COUNT_FILE for .ci/run, which prints one line per pass."""
    stats = terminalreporter.stats
    ran = sum(1 for key in ("passed", "failed", "xfailed", "xpassed") for r in stats.get(key, ()) if r.when == "call")
    skipped = stats.get("skipped", ())
    postgres_only = sum(1 for r in skipped if skip_reason(r).startswith(POSTGRES_ONLY))
    vendor = "PostgreSQL" if on_postgres() else "SQLite"
    line = f"{ran} tests ran on {vendor}; {len(skipped)} skipped ({postgres_only} PostgreSQL only)"
    terminalreporter.write_line(line)
    if os.environ.get("VOIPMON_TESTS_COUNT_FILE"):
        with open(os.environ["VOIPMON_TESTS_COUNT_FILE"], "a") as out:
            out.write(line + "\n")


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
