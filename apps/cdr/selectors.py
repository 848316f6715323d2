"""Every read of call records. Each starts from `Cdr.objects.visible_to(actor)`."""

import datetime as dt
import zoneinfo
from dataclasses import replace

import orjson
from django.db import connection
from django.db.models import CharField, Count, DateTimeField, F, Func, JSONField, Max, Sum, Value, Window
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.actor import Restrictions
from apps.core.bounds import id_or_none
from apps.core.exceptions import InvalidInput, NotFound

from .filtersets import CdrFilterSet, filter_errors_text
from .models import Cdr, CdrRtp


def cdr_visible(*, actor):
    actor.require("can_cdr")
    return Cdr.objects.visible_to(actor)


class FilterInvalid(InvalidInput):
    """A refused call filter; `errors` keeps django-filter's per-filter messages for REST's field-keyed body."""

    def __init__(self, message, *, errors):
        super().__init__(message)
        self.errors = errors


def cdr_search(*, actor, filters, labels=None):
    """Apply the one FilterSet to what the actor may see; naive dates are in the tenant's time zone.

    The one entry point of call search for REST, the legacy API and reports: the FilterSet gets the
    actor, so a filter on something the actor may not see (a hidden custom header) is refused the same
    way everywhere instead of answering differently for right and wrong values.
    `labels` maps REST filter names to the caller's own (legacy) names, so errors name what was sent.
    """
    with timezone.override(actor.timezone):
        filterset = CdrFilterSet(data=filters, queryset=cdr_visible(actor=actor), actor=actor)
        if not filterset.is_valid():
            errors = filter_errors_text(filterset.errors, labels)
            raise FilterInvalid(_("Invalid filter: %(errors)s") % {"errors": errors}, errors=filterset.errors)
        return filterset.qs


def cdr_get(*, actor, cdr_id):
    try:
        return cdr_visible(actor=actor).get(pk=id_or_none(cdr_id))
    except (Cdr.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Call %(id)s not found.") % {"id": cdr_id}) from None


def local_text(column, tz_name):
    """PostgreSQL formats a timestamp as `YYYY-MM-DD HH:MM:SS` in a time zone, in C, instead of psycopg
    building a Python datetime per value for Python to format again."""
    local = Func(Value(tz_name), F(column), function="timezone", output_field=DateTimeField())
    return Func(local, Value("YYYY-MM-DD HH24:MI:SS"), function="to_char", output_field=CharField())


def local_datetime_text(value, zone):
    """The same `YYYY-MM-DD HH:MM:SS` as `local_text`, in Python, for databases other than PostgreSQL."""
    return None if value is None else value.astimezone(zone).isoformat(" ", "seconds")[:19]


def cdr_rows(*, queryset, columns, keys=None, order_by=("calldate", "id"), offset=0, limit=None, local_tz=None):
    """Plain dict rows of the named columns, for the legacy API's fast path (no model instances).

    `keys` names each column in the rows (default: the column names), so callers need not rename
    thousands of rows afterwards. On PostgreSQL the SQL that the ORM compiles for this (already scoped)
    queryset runs on the raw cursor: psycopg's values are already what the rows need, and skipping the
    ORM's per-value converters halves the time for thousands of wide rows. Other databases take
    `values_list()`. With `local_tz`, datetime columns come back as `YYYY-MM-DD HH:MM:SS` text in that
    zone, formatted by PostgreSQL there and by Python elsewhere.
    """
    keys = tuple(keys or columns)
    queryset = queryset.order_by(*order_by)
    fields = [Cdr._meta.get_field(c) for c in columns]
    texts = {c: f"_{c}_local" for c, f in zip(columns, fields, strict=True) if isinstance(f, DateTimeField)}
    if connection.vendor == "postgresql" and local_tz:
        queryset = queryset.annotate(**{alias: local_text(c, local_tz) for c, alias in texts.items()})
        queryset = queryset.values_list(*(texts.get(c, c) for c in columns))
    else:
        queryset = queryset.values_list(*columns)
    if limit is not None:
        queryset = queryset[offset : offset + limit]
    elif offset:
        queryset = queryset[offset:]
    if connection.vendor != "postgresql":
        rows = [dict(zip(keys, row, strict=True)) for row in queryset]
        if local_tz:
            zone = zoneinfo.ZoneInfo(local_tz)
            text_keys = [key for key, column in zip(keys, columns, strict=True) if column in texts]
            for row in rows:
                for key in text_keys:
                    row[key] = local_datetime_text(row[key], zone)
        return rows
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]
    for key in (k for k, f in zip(keys, fields, strict=True) if isinstance(f, JSONField)):
        for row in rows:
            value = row[key]
            if isinstance(value, str | bytes):
                row[key] = {} if value in ("{}", b"{}") else orjson.loads(value)
            else:
                row[key] = value or {}
    return rows


def cdr_count(*, queryset):
    return queryset.order_by().count()


def cdr_group_stats(*, queryset, group_field, text_field=None, limit=10_000):
    """Counts, answered counts and answered seconds per value of `group_field` (largest groups first)."""
    aggregates = {
        "cnt_all": Count("id"),
        "cnt_connected": Count("connect_duration"),
        "duration_all": Sum("connect_duration"),
    }
    if text_field:
        aggregates[text_field] = Max(text_field)
    rows = queryset.order_by().values(group_field).annotate(**aggregates).order_by("-cnt_all", group_field)
    return list(rows[:limit])


STREAM_COLUMNS = (
    "id", "saddr", "sport", "daddr", "dport", "ssrc", "payload", "codec", "received", "lost",
    "maxjitter_mult10", "avgjitter_mult10", "firsttime", "duration", "side", "is_main", "srtp", "ptime",
)  # fmt: skip


def cdr_streams(*, actor, cdr_id):
    """Every RTP stream of one call the actor may see (NotFound for another tenant's call)."""
    call = cdr_get(actor=actor, cdr_id=cdr_id)
    return call, list(CdrRtp.objects.visible_to(actor).filter(cdr_id=call.pk).values(*STREAM_COLUMNS))


def cdr_peak_concurrency(*, actor, start, end, longest=dt.timedelta(days=1)):
    """The most calls of the actor's tenant in progress at one instant between `start` and `end`.

    One sweep in SQL: +1 at each call's start (or `start`), -1 at its end, the running sum's maximum;
    at an equal instant ends count before starts. The plan is the tenant's, so the user's sensor and
    number restrictions do not apply. Calls longer than `longest` that began before it are not seen.
    """
    tenant_wide = replace(actor, sensor_ids=None, restrictions=Restrictions())
    calls = Cdr.objects.visible_to(tenant_wide).filter(
        calldate__gte=start - longest, calldate__lt=end, callend__gt=start
    )
    inner, params = calls.values("calldate", "callend").query.sql_with_params()
    begin = connection.ops.adapt_datetimefield_value(start)
    sql = (
        "SELECT COALESCE(MAX(running), 0) FROM (SELECT SUM(delta) OVER (ORDER BY t, delta ROWS UNBOUNDED PRECEDING)"
        " AS running FROM (SELECT CASE WHEN c.calldate < %s THEN %s ELSE c.calldate END AS t, 1 AS delta"
        f" FROM ({inner}) c UNION ALL SELECT c.callend AS t, -1 AS delta FROM ({inner}) c) events) sweep"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [begin, begin, *params, *params])
        return int(cursor.fetchone()[0] or 0)


def cdr_page(*, actor, queryset, columns, order_by, offset, limit, with_total=False, local_tz=None):
    """One page of rows, ids first: the page's ids are often found in a covering index alone, and
    only those rows are then read whole (a "deferred join"), instead of every candidate row.

    With `with_total`, returns (rows, total): the total comes from `COUNT(*) OVER ()` in the same
    scan that finds the page's ids, instead of a second pass over every matching row.
    """
    ordered = queryset.order_by(*order_by)
    if with_total:
        pairs = list(ordered.annotate(_total=Window(Count("id"))).values_list("id", "_total")[offset : offset + limit])
        ids = [pk for pk, _total in pairs]
        total = pairs[0][1] if pairs else (cdr_count(queryset=queryset) if offset else 0)
    else:
        ids = list(ordered.values_list("id", flat=True)[offset : offset + limit])
    rows = []
    if ids:
        rows = cdr_rows(
            queryset=cdr_visible(actor=actor).filter(pk__in=ids), columns=columns, order_by=order_by, local_tz=local_tz
        )
    return (rows, total) if with_total else rows
