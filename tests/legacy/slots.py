"""Hold a tenant's API slots from outside the request under test, as another server process would."""

import contextlib

import psycopg
from django.db import connection

from apps.tenants.concurrency import FileSlot, lock_key


def psycopg_dsn():
    s = connection.settings_dict
    return f"host={s['HOST'] or '127.0.0.1'} port={s['PORT'] or 5432} user={s['USER']} dbname={s['NAME']}" + (
        f" password={s['PASSWORD']}" if s["PASSWORD"] else ""
    )


@contextlib.contextmanager
def slots_held(tenant, count):
    """On PostgreSQL a second connection takes the advisory locks; on SQLite this process takes the files."""
    if connection.vendor == "postgresql":
        with psycopg.connect(psycopg_dsn(), autocommit=True) as other:
            for slot in range(count):
                assert other.execute("SELECT pg_try_advisory_lock(%s)", [lock_key(tenant.pk, slot)]).fetchone()[0]
            yield
        return
    held = [FileSlot.take(tenant.pk, count) for _ in range(count)]
    assert all(held)
    try:
        yield
    finally:
        for slot in held:
            slot.release()
