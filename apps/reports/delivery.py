"""Writes of report runs: firing a schedule, rendering, mailing, purging (the services of runs).

Each (schedule, period) runs at most once: its run row is created under a unique key
(`schedule:<id>:<period start>`), so a second beat tick finds it. A run is worked on under a lease
(status `running` until `lease_until`): a second worker leaves it alone, and a worker that died
mid-run frees it when the lease ends (its task is redelivered: acks late). Each recipient is one
ReportDelivery row marked sent right after the SMTP server accepted that message, so a retry or a
takeover mails only those not yet served. A failing SMTP server marks the run failed with the reason;
the task retries with backoff and sends only what is missing. docs/reports.md
"""

import datetime as dt
import logging
from dataclasses import replace

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.actor import system_actor
from apps.core.mail import mail_send
from apps.users.actor import actor_from_ids

from .models import ReportDelivery, ReportRun, ReportSchedule, ReportSettings
from .periods import previous_period, zone_of
from .rendering import chart_kinds, render_chart, render_csv, render_html, render_json, render_png, render_text
from .tasks import run_deliver_task

log = logging.getLogger(__name__)
MIME = {"png": "image/png", "csv": "text/csv", "json": "application/json"}


class DeliveryFailed(Exception):
    """Some recipients were not served; the run is marked failed with the reason and will be retried."""


def run_key(schedule_id, start):
    return f"schedule:{schedule_id}:{start.astimezone(dt.UTC):%Y-%m-%dT%H:%M}"


def run_for_period(*, schedule, start, end):
    """The run of (schedule, period), created once. Returns (run, created)."""
    key = run_key(schedule.pk, start)
    run = ReportRun.objects.filter(key=key).first()
    if run is not None:
        return run, False
    try:
        with transaction.atomic():
            run = ReportRun.objects.create(
                tenant_id=schedule.tenant_id,
                report_id=schedule.report_id,
                schedule=schedule,
                period_start=start,
                period_end=end,
                key=key,
            )
            addresses = list(schedule.recipients or [])
            addresses += [u.email for u in schedule.recipient_users.all() if u.email]
            ReportDelivery.objects.bulk_create(
                ReportDelivery(tenant_id=schedule.tenant_id, run=run, address=a) for a in dict.fromkeys(addresses)
            )
        return run, True
    except IntegrityError:  # a concurrent tick created it
        return ReportRun.objects.get(key=key), False


def schedule_fire(*, schedule_id, now=None):
    """Beat's entry: the run of the previous complete local period; returns its id when it needs work."""
    schedule = ReportSchedule.objects.select_related("tenant").filter(pk=schedule_id, enabled=True).first()
    if schedule is None:
        return None
    start, end = previous_period(schedule.frequency, now or timezone.now(), zone_of(schedule.tenant.timezone))
    run, _created = run_for_period(schedule=schedule, start=start, end=end)
    return None if run.status == ReportRun.SENT else run.pk


def schedule_send_now(*, actor, schedule):
    """ "Send now": the last complete period, through the same run (so never twice for one period)."""
    actor.require("can_reports_edit")
    start, end = previous_period(schedule.frequency, timezone.now(), zone_of(actor_tenant_zone(schedule)))
    run, _created = run_for_period(schedule=schedule, start=start, end=end)
    if run.status != ReportRun.SENT:
        transaction.on_commit(lambda: run_deliver_task.delay(run.pk))
    return run


def actor_tenant_zone(schedule):
    return schedule.tenant.timezone


def run_claim(*, run_id):
    """Take the run's lease; False when it is sent, or another live worker holds it."""
    now = timezone.now()
    lease = now + dt.timedelta(seconds=settings.VOIPMON_REPORTS_LEASE_SECONDS)
    free = Q(status__in=[ReportRun.PENDING, ReportRun.FAILED]) | Q(status=ReportRun.RUNNING, lease_until__lt=now)
    return bool(
        ReportRun.objects.filter(Q(pk=run_id) & free).update(status=ReportRun.RUNNING, lease_until=lease, error="")
    )


def run_render(*, run):
    """The run's files (rendered once, kept for later attempts and for the list of sent reports)."""
    from .selectors import report_compute

    if run.files:
        return run.files
    tenant = run.tenant
    creator = run.schedule.created_by_id if run.schedule else None
    actor = replace(actor_from_ids(creator), timezone=tenant.timezone) if creator else system_actor(tenant)
    document = report_compute(
        actor=actor, report=run.report, start=run.period_start, end=run.period_end, with_hourly=True
    )
    kinds = chart_kinds(run.report.charts)
    if "top" in kinds and not document.get("tops"):
        kinds.remove("top")
    folder = f"reports/{tenant.pk}/{run.pk}"
    files = {}
    contents = {"json": render_json(document), "csv": render_csv(document), "png": render_png(document, kinds)}
    contents["html"] = render_html(document, [f"chart-{k}" for k in kinds]).encode("utf-8")
    contents["txt"] = render_text(document).encode("utf-8")
    for kind in kinds:
        contents[f"chart-{kind}"] = render_chart(document, kind)
    for name, content in contents.items():
        files[name] = default_storage.save(f"{folder}/{name}", ContentFile(content))
    ReportRun.objects.filter(pk=run.pk).update(files=files)
    run.files = files
    return files


def file_bytes(name):
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def run_deliver(*, run_id):
    """Render (once) and mail every recipient not yet served. Raises DeliveryFailed to be retried."""
    if not run_claim(run_id=run_id):
        return ReportRun.objects.filter(pk=run_id).values_list("status", flat=True).first()
    run = ReportRun.objects.select_related("tenant", "report", "schedule").get(pk=run_id)
    ReportRun.objects.filter(pk=run_id).update(attempts=run.attempts + 1)
    try:
        files = run_render(run=run)
        message = run_message(run=run, files=files)
        for delivery in ReportDelivery.objects.filter(run=run, sent_at__isnull=True):
            mail_send(tenant=run.tenant, to=[delivery.address], **message)
            ReportDelivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"[:2000]
        log.warning("report run %s failed: %s", run_id, reason)
        ReportRun.objects.filter(pk=run_id).update(status=ReportRun.FAILED, error=reason, lease_until=None)
        raise DeliveryFailed(reason) from exc
    ReportRun.objects.filter(pk=run_id).update(status=ReportRun.SENT, finished_at=timezone.now(), lease_until=None)
    return ReportRun.SENT


def run_message(*, run, files):
    formats = (run.schedule.formats if run.schedule else None) or []
    start = run.period_start.astimezone(zone_of(run.tenant.timezone))
    end = run.period_end.astimezone(zone_of(run.tenant.timezone))
    subject = _("Report %(name)s: %(start)s to %(end)s") % {
        "name": run.report.description,
        "start": f"{start:%Y-%m-%d %H:%M}",
        "end": f"{end:%Y-%m-%d %H:%M}",
    }
    base = f"{run.report.description}-{start:%Y%m%d}".replace(" ", "_").replace("/", "_")
    return {
        "subject": subject,
        "text": file_bytes(files["txt"]).decode("utf-8"),
        "html": file_bytes(files["html"]).decode("utf-8"),
        "inline_images": [(name, file_bytes(path)) for name, path in files.items() if name.startswith("chart-")],
        "attachments": [(f"{base}.{fmt}", file_bytes(files[fmt]), MIME[fmt]) for fmt in formats if fmt in files],
        "headers": {"X-Voipmon-Report-Run": run.key},
    }


def run_files_purge(*, run):
    for name in (run.files or {}).values():
        default_storage.delete(name)


def runs_purge(*, now=None):
    """Remove runs (and their files) older than each tenant's keep_days; returns how many."""
    now = now or timezone.now()
    removed = 0
    keep = dict(ReportSettings.objects.values_list("tenant_id", "keep_days"))
    default = ReportSettings._meta.get_field("keep_days").default
    for run in ReportRun.objects.only("pk", "tenant_id", "files", "created_at").iterator():
        if run.created_at < now - dt.timedelta(days=keep.get(run.tenant_id, default)):
            run_files_purge(run=run)
            run.delete()
            removed += 1
    return removed
