"""Every write of call records."""

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from apps.core.actor import system_actor
from apps.sensors.services import sensor_ensure_default

from .models import Cdr
from .seeding import SEED_COLUMNS, seed_chunk

SEED_CHUNK = 20_000


def cdr_create(*, tenant, **fields):
    return Cdr.objects.create(tenant=tenant, **fields)


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
        cdr_copy(tenant=tenant, columns=columns, rows=rows, created_at=created_at)
        return
    objs = [Cdr(tenant=tenant, created_at=created_at, **dict(zip(columns, row, strict=False))) for row in rows]
    Cdr.objects.bulk_create(objs, batch_size=500)


def cdr_copy(*, tenant, columns, rows, created_at):
    db_columns = [Cdr._meta.get_field(name).column for name in columns]
    column_sql = ", ".join(
        connection.ops.quote_name(c) for c in ["tenant_id", "created_at", "custom_headers", *db_columns]
    )
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {Cdr._meta.db_table} ({column_sql}) FROM STDIN") as copy:
            prefix = (tenant.pk, created_at, "{}")
            for row in rows:
                copy.write_row(prefix + row)
