"""Every write of the reports app: summaries kept as calls are stored or deleted, rebuilds, definitions,
schedules and runs (delivery lives in delivery.py)."""

import datetime as dt
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils.translation import gettext as _

from apps.cdr.models import Cdr
from apps.core.actor import Actor
from apps.core.exceptions import Conflict, InvalidInput, NotFound

from .models import SUMMARY_LEVELS, ReportDefinition, ReportSchedule
from .periods import crontab_fields
from .summary_sql import bucket_of, call_measures, normalised_sql, rollup_sql, upsert_sql, values_upsert_sql

ID_CHUNK = 5000
UPSERT_PARAMS = 30_000  # bound parameters per statement (SQLite allows 32,766, PostgreSQL 65,535)


def summaries_apply(*, tenant_id, ids, sign=1):
    """Add (sign 1) or subtract (sign -1) the calls `ids` to the summaries; runs in the caller's transaction.

    Registered as the cdr write hook: every path that stores or deletes calls (import, upload, live capture,
    seeding) goes through apps.cdr.services, which calls this in the same transaction. The calls' normalised
    rows are read once, their measures added up per key in Python, and each level gets one multi-row upsert
    per chunk naming only the measures that changed (summary_sql). Buckets left without calls are removed,
    so a delete leaves exactly what a rebuild would.
    """
    if not ids or not settings.VOIPMON_SUMMARY_MAINTENANCE:
        return
    ids = list(ids)
    # no savepoint: the caller's transaction holds the call and its summaries together (two round trips a call)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start : start + ID_CHUNK]
            deltas = summary_deltas(cursor, tenant_id=tenant_id, ids=chunk)
            statements = [
                statement
                for (model, measures), rows in zip(SUMMARY_LEVELS, deltas, strict=True)
                for statement in summary_upserts(
                    model=model, measures=measures, tenant_id=tenant_id, rows=rows, sign=sign
                )
            ]
            for sql, params in statements_joined(statements):
                cursor.execute(sql, params)
            if sign < 0:
                for (model, _measures), rows in zip(SUMMARY_LEVELS, deltas, strict=True):
                    buckets = sorted({key[0] for key in rows})
                    model.objects.visible_to(tenant_actor(tenant_id)).filter(bucket__in=buckets, calls__lte=0).delete()


def summary_deltas(cursor, *, tenant_id, ids):
    """Per level, {(bucket, *keys): {measure: sum}} of the calls `ids` (read through the one normalisation)."""
    if connection.vendor == "postgresql":
        where, params = "tenant_id = %s AND id = ANY(%s)", [tenant_id, ids]
    else:
        where, params = f"tenant_id = %s AND id IN ({', '.join(['%s'] * len(ids))})", [tenant_id, *ids]
    source = f"(SELECT * FROM {Cdr._meta.db_table} WHERE {where})"
    cursor.execute(normalised_sql(connection.vendor, source, 1), params)  # bucket 1 s: the epoch itself
    names = [col[0] for col in cursor.description]
    levels = [(model.bucket_seconds, model.keys, set(measures), {}) for model, measures in SUMMARY_LEVELS]
    for values in cursor.fetchall():
        call = dict(zip(names, values, strict=True))
        measures = call_measures(call)
        for seconds, keys, wanted, out in levels:
            key = (bucket_of(call["bucket"], seconds), *(call[k] for k in keys))
            row = out.setdefault(key, {})
            for name, value in measures.items():
                if name in wanted:
                    row[name] = row.get(name, 0) + value
    return [out for *_rest, out in levels]


def summary_upserts(*, model, measures, tenant_id, rows, sign):
    """(sql, params) of the upserts that add `rows` ({key: {measure: delta}}) times `sign` to the level."""
    if not rows:
        return
    present = set().union(*rows.values())
    columns = tuple(m for m in measures if m in present)
    key_cols = ("tenant_id", "bucket", *model.keys)
    items = list(rows.items())
    page = max(1, UPSERT_PARAMS // (len(key_cols) + len(columns)))
    for start in range(0, len(items), page):
        part = items[start : start + page]
        params = []
        for key, values in part:
            params.append(tenant_id)
            params.extend(key)
            params.extend(sign * values.get(m, 0) for m in columns)
        yield values_upsert_sql(model._meta.db_table, key_cols, columns, tuple(measures), len(part)), params


def statements_joined(statements):
    """On PostgreSQL, several upserts as one statement (data-modifying WITH clauses run to completion even
    when nothing reads them): one round trip for the three levels of a call, not three."""
    if connection.vendor != "postgresql":
        yield from statements
        return
    batch, size = [], 0
    for sql, params in statements:
        if batch and size + len(params) > UPSERT_PARAMS * 2:
            yield joined(batch)
            batch, size = [], 0
        batch.append((sql, params))
        size += len(params)
    if batch:
        yield joined(batch)


def joined(batch):
    *first, (last_sql, last_params) = batch
    if not first:
        return last_sql, last_params
    with_sql = ", ".join(f"s{i} AS ({sql})" for i, (sql, _params) in enumerate(first))
    return f"WITH {with_sql} {last_sql}", [p for _sql, params in batch for p in params]


def tenant_actor(tenant_id):
    """The whole tenant's view, for the write hook (it knows the tenant's id, not a user)."""
    return Actor(tenant_id=tenant_id, username="system", is_admin=True)


def summaries_rebuild(*, tenant, start=None, end=None, progress=None):
    """Recompute the tenant's summaries from its calls, one UTC day at a time (each day in one transaction).

    Without `start` / `end`, every day. Only days that hold calls or summary rows are visited, each whole,
    so every bucket it touches is rebuilt whole. `progress(done, total)` after each day. Returns days rebuilt.
    """
    low = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) if start is None else start
    high = dt.datetime(9999, 1, 1, tzinfo=dt.UTC) if end is None else end
    days = sorted(summary_days(tenant_id=tenant.pk, start=low, end=high))
    for done, begin in enumerate(days, 1):
        summaries_rebuild_day(tenant_id=tenant.pk, begin=begin)
        if progress:
            progress(done, len(days))
    return len(days)


def summary_days(*, tenant_id, start, end):
    """UTC midnights of the days in [start, end) that hold calls or summary rows of the tenant."""
    from .models import CallSummaryPeak

    actor = tenant_actor(tenant_id)
    calls = Cdr.objects.visible_to(actor).filter(calldate__gte=start, calldate__lt=end)
    days = set(calls.datetimes("calldate", "day", tzinfo=dt.UTC))
    low, high = int(start.timestamp()), int(min(end, dt.datetime(9000, 1, 1, tzinfo=dt.UTC)).timestamp())
    stored = CallSummaryPeak.objects.visible_to(actor).filter(bucket__gte=low, bucket__lt=high)
    days |= {
        dt.datetime.fromtimestamp(b - b % 86400, dt.UTC) for b in stored.values_list("bucket", flat=True).distinct()
    }
    return {dt.datetime.combine(d.date() if isinstance(d, dt.datetime) else d, dt.time(), tzinfo=dt.UTC) for d in days}


def summaries_rebuild_day(*, tenant_id, begin):
    """One UTC day: the 5-minute rows by the SQL aggregate over the calls, the coarser levels summed from them."""
    low, high = int(begin.timestamp()), int(begin.timestamp()) + 86400
    vendor = connection.vendor
    (fine, fine_measures), *coarser = SUMMARY_LEVELS
    with transaction.atomic(), connection.cursor() as cursor:
        for model, _measures in SUMMARY_LEVELS:
            model.objects.visible_to(tenant_actor(tenant_id)).filter(bucket__gte=low, bucket__lt=high).delete()
        where = "tenant_id = %s AND calldate >= %s AND calldate < %s"
        params = [tenant_id, *(connection.ops.adapt_datetimefield_value(t) for t in (begin, begin + dt.timedelta(1)))]
        table = fine._meta.db_table
        sql = upsert_sql(vendor, Cdr._meta.db_table, table, fine.bucket_seconds, fine.keys, fine_measures, 1, where)
        cursor.execute(sql, params)
        for model, measures in coarser:
            sql = rollup_sql(table, model._meta.db_table, model.bucket_seconds, model.keys, measures)
            cursor.execute(sql, [tenant_id, low, high])


# definitions ------------------------------------------------------------------------------------------

DEFINITION_FIELDS = ("description", "filters", "metrics", "group_by", "ner_codes", "mos_kind", "short_seconds",
                     "top_n", "charts")  # fmt: skip


def report_validate(*, actor, data, instance=None):
    """Clear errors for a definition's values; the saved filter is checked by the one call FilterSet."""
    from apps.cdr.selectors import cdr_search

    from .metrics import SHORT_CALL_MAX, ner_codes_parse
    from .models import GROUP_CHOICES, MOS_CHOICES
    from .rendering import CHARTS
    from .selectors import METRIC_NAMES

    description = str(data.get("description", instance.description if instance else "")).strip()
    if not description:
        raise InvalidInput(_("description is required."))
    taken = ReportDefinition.objects.visible_to(actor).filter(description=description)
    if instance is not None:
        taken = taken.exclude(pk=instance.pk)
    if taken.exists():
        raise Conflict(_("A report named %(name)s already exists.") % {"name": description})
    filters = data.get("filters")
    if filters is not None:
        if not isinstance(filters, dict):
            raise InvalidInput(_("filters must be an object of call search filters."))
        from apps.cdr.filtersets import CUSTOM_HEADER_PREFIX, CdrFilterSet

        unknown = sorted(
            k for k in filters if k not in CdrFilterSet.base_filters and not k.startswith(CUSTOM_HEADER_PREFIX)
        )
        if unknown:
            raise InvalidInput(_("Unknown call filter: %(names)s") % {"names": ", ".join(unknown)})
        cdr_search(actor=actor, filters={k: str(v) for k, v in filters.items()})
    unknown = sorted(set(data.get("metrics") or []) - set(METRIC_NAMES))
    if unknown:
        raise InvalidInput(_("Unknown metric: %(names)s") % {"names": ", ".join(map(str, unknown))})
    unknown = sorted(set(data.get("charts") or []) - set(CHARTS))
    if unknown:
        raise InvalidInput(_("Unknown chart kind: %(names)s") % {"names": ", ".join(map(str, unknown))})
    if "group_by" in data and data["group_by"] not in dict(GROUP_CHOICES):
        raise InvalidInput(_("group_by must be one of %(names)s.") % {"names": ", ".join(dict(GROUP_CHOICES))})
    if "mos_kind" in data and data["mos_kind"] not in dict(MOS_CHOICES):
        raise InvalidInput(_("mos_kind must be f1, f2 or adapt."))
    if "ner_codes" in data:
        try:
            ner_codes_parse(data["ner_codes"])
        except ValueError:
            raise InvalidInput(
                _("ner_codes must list SIP classes (4) or codes (603), comma-separated, not %(value)s.")
                % {"value": data["ner_codes"]}
            ) from None
    if "short_seconds" in data and not 1 <= int(data["short_seconds"]) <= SHORT_CALL_MAX:
        raise InvalidInput(_("short_seconds must be 1 to %(max)s.") % {"max": SHORT_CALL_MAX})
    return {**{k: data[k] for k in DEFINITION_FIELDS if k in data}, "description": description}


def report_create(*, actor, **data):
    actor.require("can_reports_edit")
    values = report_validate(actor=actor, data=data)
    return ReportDefinition.objects.create(tenant_id=actor.tenant_id, created_by_id=actor.user_id, **values)


def report_update(*, actor, report, **data):
    actor.require("can_reports_edit")
    values = report_validate(actor=actor, data=data, instance=report)
    for name, value in values.items():
        setattr(report, name, value)
    report.save()
    return report


def report_delete(*, actor, report):
    actor.require("can_reports_edit")
    for schedule in report.schedules.all():
        schedule_delete(actor=actor, schedule=schedule)
    report.delete()


# schedules --------------------------------------------------------------------------------------------

FORMATS = ("png", "csv", "json")


def schedule_validate(*, actor, data):
    from apps.users.models import User

    values = {
        k: data[k] for k in ("frequency", "time", "weekday", "day", "recipients", "formats", "enabled") if k in data
    }
    if "report" in data:
        report = data["report"]
        report_id = getattr(report, "pk", report)
        values["report"] = ReportDefinition.objects.visible_to(actor).filter(pk=report_id).first()
        if values["report"] is None:
            raise NotFound(_("Report %(id)s not found.") % {"id": report_id})
    if values.get("frequency", ReportSchedule.DAILY) not in dict(ReportSchedule.FREQUENCIES):
        raise InvalidInput(_("frequency must be daily, weekly or monthly."))
    if not 0 <= int(values.get("weekday", 0)) <= 6:
        raise InvalidInput(_("weekday must be 0 (Monday) to 6 (Sunday)."))
    if not 1 <= int(values.get("day", 1)) <= 28:
        raise InvalidInput(_("day must be 1 to 28 (every month has it)."))
    for address in values.get("recipients") or []:
        try:
            validate_email(address)
        except ValidationError:
            raise InvalidInput(_("%(value)s is not an e-mail address.") % {"value": address}) from None
    unknown = sorted(set(values.get("formats") or []) - set(FORMATS))
    if unknown:
        raise InvalidInput(_("Unknown format: %(names)s") % {"names": ", ".join(map(str, unknown))})
    users = None
    if "recipient_users" in data:
        ids = [getattr(u, "pk", u) for u in data["recipient_users"] or []]
        users = list(User.objects.visible_to(actor).filter(pk__in=ids))
        if len(users) != len(set(ids)):
            raise NotFound(_("A recipient user was not found."))
    return values, users


def schedule_create(*, actor, **data):
    actor.require("can_reports_edit")
    values, users = schedule_validate(actor=actor, data=data)
    if "report" not in values:
        raise InvalidInput(_("report is required."))
    with transaction.atomic():
        schedule = ReportSchedule.objects.create(tenant_id=actor.tenant_id, created_by_id=actor.user_id, **values)
        if users is not None:
            schedule.recipient_users.set(users)
        schedule_beat_sync(schedule=schedule)
    return schedule


def schedule_update(*, actor, schedule, **data):
    actor.require("can_reports_edit")
    values, users = schedule_validate(actor=actor, data=data)
    with transaction.atomic():
        for name, value in values.items():
            setattr(schedule, name, value)
        schedule.save()
        if users is not None:
            schedule.recipient_users.set(users)
        schedule_beat_sync(schedule=schedule)
    return schedule


def schedule_delete(*, actor, schedule):
    actor.require("can_reports_edit")
    with transaction.atomic():
        task = schedule.periodic_task
        schedule.delete()
        if task is not None:
            task.delete()


def schedule_beat_sync(*, schedule):
    """The schedule's django-celery-beat entry: a crontab at the local time, in the tenant's time zone."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    tz = schedule.tenant.timezone
    fields = crontab_fields(schedule.frequency, parse_time(schedule.time), schedule.weekday, schedule.day)
    crontab = CrontabSchedule.objects.filter(timezone=tz, month_of_year="*", **fields).first()
    if crontab is None:
        crontab = CrontabSchedule.objects.create(timezone=tz, month_of_year="*", **fields)
    task = schedule.periodic_task or PeriodicTask(name=f"report-schedule-{schedule.pk}")
    task.crontab = crontab
    task.task = "reports.schedule_fire"
    task.args = json.dumps([schedule.pk])
    task.enabled = schedule.enabled
    task.save()
    if schedule.periodic_task_id != task.pk:
        schedule.periodic_task = task
        schedule.save(update_fields=["periodic_task"])


def schedules_rezone(*, tenant):
    """Move the beat entries of a tenant's schedules to the tenant's current zone (after it changed), so each
    still fires at its local time; the periods they cover are computed in that zone at run time anyway.

    Called on every save of a tenant (apps.py connects it); schedules already in the zone are left alone."""
    schedules = ReportSchedule.objects.visible_to(tenant_actor(tenant.pk)).select_related(
        "tenant", "periodic_task__crontab"
    )
    for schedule in schedules:
        task = schedule.periodic_task
        if task is None or task.crontab is None or str(task.crontab.timezone) != schedule.tenant.timezone:
            schedule_beat_sync(schedule=schedule)


def parse_time(value):
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(str(value))
