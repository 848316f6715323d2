"""Waiting for PostgreSQL to drop the sessions of a process a test started."""

from django.db import connection


def wait_for_other_sessions_to_close(timeout=15):
    """After a test's own server or worker process ends, wait until PostgreSQL has dropped its
    sessions, so the test database can be torn down (a backend can outlive its client briefly)."""
    import time

    if connection.vendor != "postgresql":
        return
    deadline = time.time() + timeout
    with connection.cursor() as cursor:
        while time.time() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)
