"""Every read of the reports app. Each starts from `Model.objects.visible_to(actor)`.

A report is computed from the summaries when they can answer it exactly, otherwise from the raw call
rows through the one call search (`cdr_search`), with the very same measure SQL (docs/reports.md):
- the hourly table when the span is on whole hours, nothing groups or filters by IP and (for hour / day
  rows) the zone's offsets are whole hours; else the 5-minute table when the span is on 5 minutes;
- raw rows when the span is not on 5-minute bounds, when the saved filter uses anything beyond sensor,
  codec and SIP response, or when the actor has number / domain / IP / VLAN restrictions (summaries
  know sensors, so a sensor-restricted user is still answered from them).
"""

import datetime as dt
from dataclasses import replace

from django.db import connection
from django.db.models import Count
from django.utils.translation import gettext as _

from apps.cdr.filterkit import sip_response_q
from apps.cdr.selectors import cdr_search
from apps.core.bounds import date_check
from apps.core.exceptions import InvalidInput, NotFound

from . import metrics as metric_defs
from .models import (
    CallSummary,
    CallSummaryHour,
    CallSummaryPeak,
    ReportDefinition,
    ReportRun,
    ReportSchedule,
    ReportSettings,
)
from .periods import local_group_sql, local_label, offsets, whole_hour_offsets, zone_of
from .summary_sql import measure_exprs, normalised_sql

SUMMARY_FILTERS = {"id_sensor", "codec", "exclude_codec", "last_sip_response"}
IP_GROUPS = {"caller_ip", "called_ip"}
GROUP_COLUMNS = {
    "sensor": "c.id_sensor",
    "caller_ip": "c.caller_ip",
    "called_ip": "c.called_ip",
    "codec": "c.codec",
    "response": "c.response",
}
TOP_RAW = {"top_caller_numbers": "caller", "top_called_numbers": "called"}
EXTRA_METRICS = (
    "mos_distribution", "sip_responses", "codecs", "top_caller_ips", "top_called_ips",
    "top_caller_numbers", "top_called_numbers", "top_user_agents",
)  # fmt: skip
METRIC_NAMES = (*metric_defs.SCALAR_METRICS, *EXTRA_METRICS)
# Tops are opt-in: numbers and user agents are not summarised (raw rows), and IPs are only in the 5-minute
# table, which holds close to a row per call on real traffic: reading it for a month costs what raw rows cost.
OPT_IN_METRICS = ("top_caller_ips", "top_called_ips", "top_caller_numbers", "top_called_numbers", "top_user_agents")
DEFAULT_METRICS = tuple(m for m in METRIC_NAMES if m not in OPT_IN_METRICS)


# definitions, schedules, runs ------------------------------------------------------------------------


def report_list(*, actor):
    actor.require("can_cdr")
    return ReportDefinition.objects.visible_to(actor)


def report_get(*, actor, report_id):
    try:
        return report_list(actor=actor).get(pk=int(report_id))
    except (ReportDefinition.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Report %(id)s not found.") % {"id": report_id}) from None


def report_by_name(*, actor, name):
    report = report_list(actor=actor).filter(description=str(name)).first()
    if report is None:
        raise NotFound(_("Report %(name)s not found.") % {"name": name})
    return report


def schedule_list(*, actor):
    actor.require("can_reports_edit")
    return ReportSchedule.objects.visible_to(actor).select_related("report").prefetch_related("recipient_users")


def schedule_get(*, actor, schedule_id):
    try:
        return schedule_list(actor=actor).get(pk=int(schedule_id))
    except (ReportSchedule.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Schedule %(id)s not found.") % {"id": schedule_id}) from None


def run_list(*, actor):
    """Sent reports. A user with sensor or number restrictions sees only runs of the schedules they made
    (those are computed with their own view); the others were computed for the whole tenant."""
    actor.require("can_reports_show_sent")
    runs = ReportRun.objects.visible_to(actor).select_related("report")
    if actor.sensor_ids is not None or actor.restrictions:
        runs = runs.filter(schedule__created_by_id=actor.user_id)
    return runs


def run_get(*, actor, run_id):
    try:
        return run_list(actor=actor).get(pk=int(run_id))
    except (ReportRun.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Report run %(id)s not found.") % {"id": run_id}) from None


# computing a report -----------------------------------------------------------------------------------


def plan_source(*, actor, report, start, end, changes):
    """Which table answers (CallSummaryHour, CallSummary) or None for raw rows, with the reason."""
    filters = {k: v for k, v in (report.filters or {}).items() if v not in (None, "")}
    if actor.restrictions:
        return None
    if set(filters) - SUMMARY_FILTERS:
        return None
    low, high = int(start.timestamp()), int(end.timestamp())
    if low % 300 or high % 300:
        return None
    hourly = (
        low % 3600 == 0
        and high % 3600 == 0
        and report.group_by not in IP_GROUPS
        and (report.group_by not in ("hour", "day") or whole_hour_offsets(changes))
    )
    return CallSummaryHour if hourly else CallSummary


def summary_queryset(*, actor, model, filters, start, end):
    qs = model.objects.visible_to(actor).filter(bucket__gte=int(start.timestamp()), bucket__lt=int(end.timestamp()))
    if filters.get("id_sensor"):
        qs = qs.filter(id_sensor__in=[int(v) for v in str(filters["id_sensor"]).split(",")])
    if filters.get("codec"):
        qs = qs.filter(codec__in=[int(v) for v in str(filters["codec"]).split(",")])
    if filters.get("exclude_codec"):
        qs = qs.exclude(codec__in=[int(v) for v in str(filters["exclude_codec"]).split(",")])
    if filters.get("last_sip_response"):
        qs = qs.filter(sip_response_q("response", filters["last_sip_response"]))
    return qs


RAW_COLUMNS = (
    "id", "tenant_id", "calldate", "id_sensor", "sipcallerip", "sipcalledip", "payload", "lastSIPresponseNum",
    "connect_duration", "a_received", "b_received", "bye", "progress_time", "duration",
    *(f"{side}_mos_{kind}_mult10" for side in "ab" for kind in metric_defs.MOS_KINDS),
    "packet_loss_perc_mult1000", "jitter_mult10",
)  # fmt: skip


class Source:
    """Runs grouped aggregates over summaries (sums of stored measures) or raw rows (the measure SQL)."""

    def __init__(self, queryset, raw):
        self.raw = raw
        if raw:
            sql, params = queryset.values(*RAW_COLUMNS).query.sql_with_params()
            self.from_sql = f"({normalised_sql(connection.vendor, f'({sql})', 300)}) c"
        else:
            sql, params = queryset.values(
                *(f.column for f in queryset.model._meta.concrete_fields)
            ).query.sql_with_params()
            self.from_sql = f"({sql}) c"
        self.params = list(params)

    def exprs(self, measures):
        return measure_exprs(measures) if self.raw else [f"SUM(c.{m})" for m in measures]

    def query(self, groups, measures):
        select = ", ".join([*(f"{g} AS g{i}" for i, g in enumerate(groups)), *self.exprs(measures)])
        grouping = [g for g in groups if g != "0"]  # a constant (the totals' group) is not grouped by
        sql = f"SELECT {select} FROM {self.from_sql}" + (f" GROUP BY {', '.join(grouping)}" if grouping else "")
        with connection.cursor() as cursor:
            cursor.execute(sql, self.params)
            rows = cursor.fetchall()
        n = len(groups)
        return [(row[:n], dict(zip(measures, (int(v or 0) for v in row[n:]), strict=True))) for row in rows]


def group_expr(kind, changes):
    if kind in ("hour", "day"):
        return local_group_sql("c.bucket", kind, changes)
    return GROUP_COLUMNS.get(kind, "0")


def group_label(kind, value):
    if kind in ("hour", "day"):
        return local_label(value, kind)
    return value


def report_compute(*, actor, report, start, end, with_hourly=False):
    """The report's document for [start, end): rows per group, totals, distributions and tops.

    Each group's metrics come from metrics.compute over measures merged by SQL, whichever source answers.
    """
    actor.require("can_cdr")
    filters = {k: v for k, v in (report.filters or {}).items() if v not in (None, "")}
    raw_filters = {**filters, "calldate_from": start.isoformat(), "calldate_to": end.isoformat()}
    calls = cdr_search(actor=actor, filters=raw_filters).filter(calldate__lt=end)  # validates the saved filter too
    zone = zone_of(actor.timezone)
    changes = offsets(zone, start, end)
    model = plan_source(actor=actor, report=report, start=start, end=end, changes=changes)
    if model is None:
        source = Source(calls, raw=True)
        peaks_source = source
    else:
        source = Source(summary_queryset(actor=actor, model=model, filters=filters, start=start, end=end), raw=False)
        # the peak table knows sensors only: it answers when nothing else filters or groups
        only_sensor = set(filters) <= {"id_sensor"} and report.group_by in ("sensor", "hour", "day")
        peak_model = CallSummaryPeak if only_sensor else CallSummary
        peaks_source = Source(
            summary_queryset(actor=actor, model=peak_model, filters=filters, start=start, end=end), False
        )
    span = (end - start).total_seconds()
    options = {"ner_codes": report.ner_codes, "mos_kind": report.mos_kind, "short_seconds": report.short_seconds}
    groups, totals = grouped_with_totals(source, peaks_source, report.group_by, changes, span, options)
    wanted = report_metric_names(report)
    rows = [
        {"group": group_label(report.group_by, key), **pick(values, wanted)}
        for key, values in sorted(groups.items(), key=lambda kv: (kv[0] is None, kv[0]))
    ]
    document = {
        "report": report.description,
        "from": start.astimezone(zone).isoformat(),
        "to": end.astimezone(zone).isoformat(),
        "timezone": actor.timezone,
        "group_by": report.group_by,
        "source": "calls" if model is None else "summaries",
        "rows": rows,
        "totals": pick(totals, wanted),
    }
    tops = report_tops(
        actor=actor, report=report, calls=calls, source=source, model=model, wanted=wanted, span=(start, end)
    )
    if tops:
        document["tops"] = tops
    if with_hourly:
        hourly = grouped(source, peaks_source, group_expr("hour", changes), 3600, options, peaks=False)
        document["hourly"] = [
            {"hour": local_label(k, "hour"), "calls": v["calls"], "asr": v["asr"], "ner": v["ner"]}
            for k, v in sorted(hourly.items())
        ]
    return document


def report_metric_names(report):
    chosen = [m for m in (report.metrics or []) if m in METRIC_NAMES]
    return tuple(chosen) if chosen else DEFAULT_METRICS


def pick(values, wanted):
    return {name: values[name] for name in wanted if name in values}


def with_codecs(values, codecs):
    values["codecs"] = {str(code): count for code, count in sorted(codecs.items()) if code != -1}
    return values


def measures_read(mos_kind):
    """The measures a report reads: every one but the other MOS kinds' (metrics.compute reads only the chosen
    kind), a quarter fewer sums over the summary rows."""
    others = tuple(f"mos_{kind}_" for kind in metric_defs.MOS_KINDS if kind != mos_kind)
    return tuple(m for m in metric_defs.MEASURES if not m.startswith(others))


def collect(source, peaks_source, expr, peaks=True, mos_kind="f1"):
    """Per group value: merged measures, {(code, connected): calls}, {codec: calls} and 5-minute peaks."""
    names = measures_read(mos_kind)
    measures = {key[0]: m for key, m in source.query([expr], names)}
    responses, codecs = {}, {}
    for (g, code, codec), m in source.query([expr, "c.response", "c.codec"], ("calls", "connected")):
        per = responses.setdefault(g, {})
        per[(code, 1)] = per.get((code, 1), 0) + m["connected"]
        per[(code, 0)] = per.get((code, 0), 0) + m["calls"] - m["connected"]
        codecs.setdefault(g, {})[codec] = codecs.get(g, {}).get(codec, 0) + m["calls"]
    bucket_peaks = {}
    if peaks:
        for (g, _bucket), m in peaks_source.query([expr, "c.bucket"], metric_defs.PEAK_MEASURES):
            bucket_peaks.setdefault(g, []).append((m["calls"], m["busy_ms"]))
    return measures, responses, codecs, bucket_peaks


def merged(parts):
    """The totals of several groups: measures, responses and codecs add up (peaks do not: see grouped_with_totals)."""
    measures, responses, codecs, _peaks = parts
    out_responses, out_codecs = {}, {}
    for per in responses.values():
        for key, count in per.items():
            out_responses[key] = out_responses.get(key, 0) + count
    for per in codecs.values():
        for key, count in per.items():
            out_codecs[key] = out_codecs.get(key, 0) + count
    return metric_defs.merge(measures.values()), out_responses, out_codecs


def finish(measures, responses, codecs, peaks, span, options):
    return with_codecs(metric_defs.compute(measures, responses, span_seconds=span, peaks=peaks, **options), codecs)


def grouped(source, peaks_source, expr, span, options, peaks=True):
    """{group value: metrics} for one grouping expression."""
    measures, responses, codecs, bucket_peaks = collect(source, peaks_source, expr, peaks, options["mos_kind"])
    return {
        g: finish(m, responses.get(g, {}), codecs.get(g, {}), bucket_peaks.get(g), span, options)
        for g, m in measures.items()
    }


def grouped_with_totals(source, peaks_source, kind, changes, span, options):
    """Rows per group and the totals, from one set of queries: totals are the groups merged. Time groups hold
    disjoint buckets, so their peaks are the totals' peaks too; other groupings ask for the totals' peaks."""
    parts = collect(source, peaks_source, group_expr(kind, changes), mos_kind=options["mos_kind"])
    measures, responses, codecs, bucket_peaks = parts
    rows = {
        g: finish(m, responses.get(g, {}), codecs.get(g, {}), bucket_peaks.get(g), span, options)
        for g, m in measures.items()
    }
    if kind in ("hour", "day"):
        total_peaks = [p for per in bucket_peaks.values() for p in per]
    else:
        total_peaks = [
            (m["calls"], m["busy_ms"]) for _k, m in peaks_source.query(["c.bucket"], metric_defs.PEAK_MEASURES)
        ]
    total_measures, total_responses, total_codecs = merged(parts)
    return rows, finish(total_measures, total_responses, total_codecs, total_peaks, span, options)


def report_tops(*, actor, report, calls, source, model, wanted, span):
    n = max(1, min(report.top_n, 1000))
    tops = {}
    for name, column in (("top_caller_ips", "c.caller_ip"), ("top_called_ips", "c.called_ip")):
        if name in wanted:
            ip_source = source
            if model is CallSummaryHour:  # the hourly table has no IP keys: the 5-minute one has
                filters = {k: v for k, v in (report.filters or {}).items() if v not in (None, "")}
                fine = summary_queryset(actor=actor, model=CallSummary, filters=filters, start=span[0], end=span[1])
                ip_source = Source(fine, raw=False)
            counted = sorted(((m["calls"], key[0]) for key, m in ip_source.query([column], ("calls",))), reverse=True)
            tops[name] = [{"value": value, "calls": count} for count, value in counted[:n]]
    for name, column in TOP_RAW.items():
        if name in wanted:
            rows = calls.order_by().values(column).annotate(n=Count("id")).order_by("-n", column)[:n]
            tops[name] = [{"value": row[column], "calls": row["n"]} for row in rows]
    if "top_user_agents" in wanted:
        counts = {}
        for column in ("a_ua", "b_ua"):
            for row in calls.order_by().exclude(**{column: ""}).values(column).annotate(n=Count("id"))[:10_000]:
                counts[row[column]] = counts.get(row[column], 0) + row["n"]
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
        tops["top_user_agents"] = [{"value": ua, "calls": count} for ua, count in ranked]
    return tops


def report_period_parse(*, actor, value_from, value_to, limit_days):
    """[start, end) from the legacy / REST `from` and `to`: a date or a datetime, local to the actor.

    A bare date as `to` includes that whole day. Errors name the problem.
    """
    zone = zone_of(actor.timezone)
    start = moment_parse(value_from, zone, "datetime_from", end=False)
    end = moment_parse(value_to, zone, "datetime_to", end=True)
    if end <= start:
        raise InvalidInput(_("datetime_from must be before datetime_to."))
    if (end - start) > dt.timedelta(days=limit_days):
        raise InvalidInput(
            _("The report spans %(days)s days; this tenant allows at most %(limit)s.")
            % {"days": round((end - start).total_seconds() / 86400, 1), "limit": limit_days}
        )
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def moment_parse(value, zone, name, *, end):
    text = str(value or "").strip().replace("T", " ")
    if not text:
        raise InvalidInput(_("%(name)s is required.") % {"name": name})
    try:
        if len(text) == 10:
            day = date_check(dt.date.fromisoformat(text), name=name)
            moment = dt.datetime.combine(day + dt.timedelta(days=1 if end else 0), dt.time())
        else:
            moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            _("%(name)s must be a date (YYYY-MM-DD) or a date and time, not %(value)s.")
            % {"name": name, "value": value}
        ) from None
    date_check(moment, name=name)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment


def report_span_limit(*, actor):
    """The longest span (days) a report of the actor's tenant may cover."""
    settings_row = ReportSettings.objects.visible_to(actor).first()
    return settings_row.max_span_days if settings_row else ReportSettings._meta.get_field("max_span_days").default


def report_document(*, actor, report, value_from, value_to, with_hourly=False):
    """The report for a period given as the user wrote it (dates local to the actor; errors name the problem)."""
    start, end = report_period_parse(
        actor=actor, value_from=value_from, value_to=value_to, limit_days=report_span_limit(actor=actor)
    )
    return report_compute(actor=actor, report=report, start=start, end=end, with_hourly=with_hourly)


def report_render(*, actor, report, value_from, value_to, fmt):
    """(bytes, content type, file name) of a report for a period given as the user wrote it."""
    if fmt not in ("png", "json", "csv"):
        raise InvalidInput(_("format must be png, json or csv, not %(value)s.") % {"value": str(fmt)[:20]})
    document = report_document(
        actor=actor, report=report, value_from=value_from, value_to=value_to, with_hourly=fmt == "png"
    )
    return report_output(document, report, fmt)


OUTPUT_TYPES = {"png": "image/png", "json": "application/json", "csv": "text/csv; charset=utf-8", "html": "text/html"}


def report_output(document, report, fmt):
    from .rendering import chart_kinds, render_csv, render_html, render_json, render_png

    if fmt == "png":
        kinds = [k for k in chart_kinds(report.charts) if k != "top" or document.get("tops")]
        content = render_png(document, kinds or ["calls_hourly"])
    elif fmt == "csv":
        content = render_csv(document)
    elif fmt == "html":
        content = render_html(document, []).encode("utf-8")
    else:
        content = render_json(document)
    name = f"{report.description}-{document['from'][:10]}".replace(" ", "_").replace("/", "_")
    return content, OUTPUT_TYPES[fmt], f"{name}.{fmt}"


def run_file(*, actor, run_id, fmt):
    """A sent report's stored file: (bytes, content type, file name)."""
    from django.core.files.storage import default_storage

    run = run_get(actor=actor, run_id=run_id)
    name = (run.files or {}).get(fmt)
    if fmt not in OUTPUT_TYPES or not name or not default_storage.exists(name):
        raise NotFound(_("Report run %(id)s has no %(format)s file.") % {"id": run_id, "format": str(fmt)[:20]})
    with default_storage.open(name, "rb") as handle:
        content = handle.read()
    return content, OUTPUT_TYPES[fmt], f"report-{run.pk}.{fmt}"


def schedule_preview(*, actor, schedule):
    """What the schedule would send for its last complete period, computed as the schedule's runs are."""
    from django.utils import timezone

    from .periods import previous_period

    local = replace(actor, timezone=schedule.tenant.timezone)  # schedules run in the tenant's zone
    start, end = previous_period(schedule.frequency, timezone.now(), zone_of(local.timezone))
    return report_compute(actor=local, report=schedule.report, start=start, end=end, with_hourly=True)
