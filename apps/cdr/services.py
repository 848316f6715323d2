"""Every write of call records."""

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from apps.core.actor import system_actor
from apps.sensors.services import sensor_ensure_default

from .models import Cdr
from .seeding import SEED_COLUMNS, seed_chunk

SEED_CHUNK = 20_000

# Called inside the transaction that stores (sign 1) or deletes (sign -1) calls: hook(tenant_id=, ids=, sign=).
# The reports app keeps its summaries this way; every write of calls below goes through cdr_written.
_write_hooks = []


def cdr_write_hook_register(hook):
    if hook not in _write_hooks:
        _write_hooks.append(hook)


def cdr_written(*, tenant_id, ids, sign=1):
    for hook in _write_hooks:
        hook(tenant_id=tenant_id, ids=list(ids), sign=sign)


def cdr_create(*, tenant, **fields):
    with transaction.atomic():
        cdr = Cdr.objects.create(tenant=tenant, **fields)
        cdr_written(tenant_id=tenant.pk, ids=[cdr.pk])
    return cdr


def cdr_delete(*, actor, ids):
    """Delete the calls among `ids` that the actor may see and write; returns how many were deleted."""
    actor.require("can_write_cdr")
    with transaction.atomic():
        found = list(Cdr.objects.visible_to(actor).filter(pk__in=list(ids)).values_list("pk", flat=True))
        if found:
            cdr_written(tenant_id=actor.tenant_id, ids=found, sign=-1)
            Cdr.objects.visible_to(actor).filter(pk__in=found).delete()
    return len(found)


def cdr_seed(*, tenant, count, days=30, seed=None, progress=None):
    """Bulk-generate `count` realistic calls for `tenant` over the last `days` days.

    PostgreSQL takes them through COPY (a million rows in about a minute on two cores); other
    databases through bulk_create. `progress(done, total)` is called after every chunk.
    """
    sensors = [s.id_sensor for s in sensor_ensure_default(tenant=tenant)]
    rng = np.random.default_rng(seed)
    now = timezone.now()
    serial = Cdr.objects.visible_to(system_actor(tenant)).count() + int(now.timestamp() * 1000) * 1000
    done = 0
    while done < count:
        size = min(SEED_CHUNK, count - done)
        rows = seed_chunk(rng, size=size, days=days, sensors=sensors, now=now, serial=serial + done)
        with transaction.atomic():
            cdr_bulk_write(tenant=tenant, columns=SEED_COLUMNS, rows=rows, created_at=now)
        done += size
        if progress:
            progress(done, count)
    return done


def cdr_bulk_write(*, tenant, columns, rows, created_at):
    if connection.vendor == "postgresql":
        ids = cdr_copy(tenant=tenant, columns=columns, rows=rows, created_at=created_at)
    else:
        objs = [Cdr(tenant=tenant, created_at=created_at, **dict(zip(columns, row, strict=False))) for row in rows]
        ids = [obj.pk for obj in Cdr.objects.bulk_create(objs, batch_size=500)]
    cdr_written(tenant_id=tenant.pk, ids=ids)


def cdr_copy(*, tenant, columns, rows, created_at):
    """COPY the rows with ids drawn from the table's sequence first, so the caller knows what it wrote."""
    db_columns = [Cdr._meta.get_field(name).column for name in columns]
    column_sql = ", ".join(
        connection.ops.quote_name(c) for c in ["id", "tenant_id", "created_at", "custom_headers", *db_columns]
    )
    table = Cdr._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(rows)]
        )
        ids = [row[0] for row in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy:
            prefix = (tenant.pk, created_at, "{}")
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row((pk, *prefix, *row))
    return ids
