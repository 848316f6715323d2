"""A strict run (VOIPMON_TESTS_STRICT=1, what .ci/run sets): a test that skips because a capture, a tool or
a service is missing fails instead of passing quietly. The one skip allowed is "PostgreSQL only", on the
SQLite pass. Also prints how many tests ran. Loaded by tests/conftest.py; Django is optional here."""

import os

import pytest

# The one skip reason allowed under VOIPMON_TESTS_STRICT=1 (what .ci/run sets), and only on SQLite: every
# other skip (a capture, a tool, a service missing) fails a strict run instead of passing quietly.
POSTGRES_ONLY = "PostgreSQL only: "


def strict():
    return os.environ.get("VOIPMON_TESTS_STRICT") == "1"


def on_postgres():
    try:
        from django.conf import settings

        return settings.configured and settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    except ImportError:
        return False


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
    if strict() and report.skipped and not allowed_skip(report):
        fail_skip(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """A module that skips itself whole (`allow_module_level=True`) is a collection error when strict."""
    outcome = yield
    report = outcome.get_result()
    if strict() and report.skipped and not allowed_skip(report):
        fail_skip(report)


def pytest_terminal_summary(terminalreporter):
    """How many tests ran (passed or failed) on this database, and what skipped; also written to
    $VOIPMON_TESTS_COUNT_FILE for .ci/run, which prints one line per pass. Under pytest-xdist only the
    controller, which sees every worker's reports, counts."""
    if hasattr(terminalreporter.config, "workerinput"):  # an xdist worker (its environment is inherited)
        return
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
