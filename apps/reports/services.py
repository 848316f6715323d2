"""Every write of the reports app: summaries kept as calls are stored or deleted, rebuilds, definitions,
schedules and runs (delivery lives in delivery.py)."""

import datetime as dt

from django.conf import settings
from django.db import connection, transaction

from apps.cdr.models import Cdr

from .models import SUMMARY_LEVELS, ReportSettings
from .summary_sql import upsert_sql

ID_CHUNK = 5000


def summary_statements(*, where, sign):
    vendor = connection.vendor
    for model, measures in SUMMARY_LEVELS:
        yield (
            model,
            upsert_sql(
                vendor,
                Cdr._meta.db_table,
                model._meta.db_table,
                model.bucket_seconds,
                model.keys,
                measures,
                sign,
                where,
            ),
        )


def summaries_apply(*, tenant_id, ids, sign=1):
    """Add (sign 1) or subtract (sign -1) the calls `ids` to the summaries; runs in the caller's transaction.

    Registered as the cdr write hook: every path that stores or deletes calls (import, upload, live capture,
    seeding) goes through apps.cdr.services, which calls this in the same transaction. Buckets left without
    calls are removed, so a delete leaves exactly what a rebuild would.
    """
    if not ids or not settings.VOIPMON_SUMMARY_MAINTENANCE:
        return
    ids = list(ids)
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start : start + ID_CHUNK]
            if connection.vendor == "postgresql":
                where, params = "tenant_id = %s AND id = ANY(%s)", [tenant_id, chunk]
            else:
                where, params = f"tenant_id = %s AND id IN ({', '.join(['%s'] * len(chunk))})", [tenant_id, *chunk]
            for model, sql in summary_statements(where=where, sign=sign):
                cursor.execute(sql, params)
                if sign < 0:
                    model.objects.filter(tenant_id=tenant_id, calls__lte=0).delete()


def summaries_rebuild(*, tenant, start=None, end=None, progress=None):
    """Recompute the tenant's summaries from its calls, one UTC day at a time (each day in one transaction).

    Without `start` / `end`, from the first to the last stored call. The range is widened to whole days so
    every bucket it touches is rebuilt whole. `progress(done, total)` after each day. Returns days rebuilt.
    """
    calls = Cdr.objects.filter(tenant=tenant)
    if start is None or end is None:
        first = calls.order_by("calldate").values_list("calldate", flat=True).first()
        last = calls.order_by("-calldate").values_list("calldate", flat=True).first()
        if first is None:
            return 0
        start = start or first
        end = end or last + dt.timedelta(seconds=1)
    day = dt.datetime.combine(start.astimezone(dt.UTC).date(), dt.time(), tzinfo=dt.UTC)
    days = []
    while day < end:
        days.append(day)
        day += dt.timedelta(days=1)
    for done, begin in enumerate(days, 1):
        summaries_rebuild_day(tenant_id=tenant.pk, begin=begin)
        if progress:
            progress(done, len(days))
    return len(days)


def summaries_rebuild_day(*, tenant_id, begin):
    low, high = int(begin.timestamp()), int(begin.timestamp()) + 86400
    with transaction.atomic(), connection.cursor() as cursor:
        for model, _measures in SUMMARY_LEVELS:
            model.objects.filter(tenant_id=tenant_id, bucket__gte=low, bucket__lt=high).delete()
        where = "tenant_id = %s AND calldate >= %s AND calldate < %s"
        params = [tenant_id, *(connection.ops.adapt_datetimefield_value(t) for t in (begin, begin + dt.timedelta(1)))]
        for _model, sql in summary_statements(where=where, sign=1):
            cursor.execute(sql, params)


def report_settings_for(*, tenant_id):
    return ReportSettings.objects.get_or_create(tenant_id=tenant_id)[0]
