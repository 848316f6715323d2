"""Call summaries (measures per bucket), report definitions, schedules, runs and per-tenant settings.

The summary tables hold only integers (metrics.MEASURES), so merging buckets is exact. Three levels
are kept as calls are stored (docs/reports.md): the issue's 5-minute table with the full key, an hourly
table without the IP keys (months of traffic in a few thousand rows) and a 5-minute peak table
(calls and call seconds per sensor) for the per-bucket maxima.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import TenantOwned

from .metrics import DEFAULT_NER_CODES, MEASURES, PEAK_MEASURES


def measure_fields(names):
    return {name: models.BigIntegerField(default=0) for name in names}


class SummaryBase(TenantOwned):
    scope_sensor_field = "id_sensor"

    bucket = models.BigIntegerField(_("bucket start (epoch seconds, UTC)"))
    id_sensor = models.IntegerField(default=0)

    class Meta:
        abstract = True


class CallSummary(SummaryBase):
    """5-minute buckets keyed by sensor, caller / called SIP IP, codec and final SIP response."""

    bucket_seconds = 300
    keys = ("id_sensor", "caller_ip", "called_ip", "codec", "response")

    caller_ip = models.CharField(max_length=45, default="")
    called_ip = models.CharField(max_length=45, default="")
    codec = models.IntegerField(default=-1)  # -1: no codec
    response = models.IntegerField(default=0)  # 0: no final response

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "bucket", "id_sensor", "caller_ip", "called_ip", "codec", "response"],
                name="reports_summary_key",
            )
        ]


class CallSummaryHour(SummaryBase):
    bucket_seconds = 3600
    keys = ("id_sensor", "codec", "response")

    codec = models.IntegerField(default=-1)
    response = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "bucket", "id_sensor", "codec", "response"], name="reports_summary_hour_key"
            )
        ]


class CallSummaryPeak(SummaryBase):
    bucket_seconds = 300
    keys = ("id_sensor",)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "bucket", "id_sensor"], name="reports_peak_key")]


for _name, _field in measure_fields(MEASURES).items():
    CallSummary.add_to_class(_name, _field)
    CallSummaryHour.add_to_class(_name, _field.clone())
for _name, _field in measure_fields(PEAK_MEASURES).items():
    CallSummaryPeak.add_to_class(_name, _field)

SUMMARY_LEVELS = (
    (CallSummary, MEASURES),
    (CallSummaryHour, MEASURES),
    (CallSummaryPeak, PEAK_MEASURES),
)

GROUP_CHOICES = [
    ("sensor", _("sensor")),
    ("caller_ip", _("caller SIP IP")),
    ("called_ip", _("called SIP IP")),
    ("codec", _("codec")),
    ("response", _("final SIP response")),
    ("hour", _("hour")),
    ("day", _("day")),
]
MOS_CHOICES = [("f1", "F1"), ("f2", "F2"), ("adapt", _("adaptive"))]
CHART_CHOICES = ("calls_hourly", "mos_distribution", "sip_responses", "top")


class ReportDefinition(TenantOwned):
    """A saved report. `description` is the legacy API's `report_name`."""

    description = models.CharField(_("description"), max_length=200)
    filters = models.JSONField(_("saved filter (call search names)"), default=dict, blank=True)
    metrics = models.JSONField(_("metrics"), default=list, blank=True, help_text=_("Empty means every metric."))
    group_by = models.CharField(_("rows grouped by"), max_length=16, choices=GROUP_CHOICES, default="day")
    ner_codes = models.CharField(_("NER codes"), max_length=200, default=DEFAULT_NER_CODES)
    mos_kind = models.CharField(_("MOS kind"), max_length=5, choices=MOS_CHOICES, default="f1")
    short_seconds = models.PositiveIntegerField(_("short call below (s)"), default=10)
    top_n = models.PositiveIntegerField(_("top N"), default=10)
    charts = models.JSONField(_("chart kinds"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["description"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [models.UniqueConstraint(fields=["tenant", "description"], name="reports_description_unique")]

    def __str__(self):
        return self.description


class ReportSchedule(TenantOwned):
    DAILY, WEEKLY, MONTHLY = "daily", "weekly", "monthly"
    FREQUENCIES = [(DAILY, _("daily")), (WEEKLY, _("weekly")), (MONTHLY, _("monthly"))]

    report = models.ForeignKey(ReportDefinition, on_delete=models.CASCADE, related_name="schedules")
    frequency = models.CharField(_("frequency"), max_length=8, choices=FREQUENCIES, default=DAILY)
    time = models.TimeField(_("local time"), default="07:00")
    weekday = models.PositiveSmallIntegerField(_("weekday (0 = Monday)"), default=0)
    day = models.PositiveSmallIntegerField(_("day of month"), default=1)
    recipients = models.JSONField(_("e-mail addresses"), default=list, blank=True)
    recipient_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    formats = models.JSONField(_("formats"), default=list, blank=True)  # png, csv, json (the HTML body always)
    enabled = models.BooleanField(_("enabled"), default=True)
    # runs are computed with this user's view (sensors, restrictions); without one, the whole tenant's
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")

    def __str__(self):
        return f"{self.report} ({self.frequency})"


class ReportRun(TenantOwned):
    """One rendering of a report for one period. (schedule, period start) is its idempotency key."""

    PENDING, RUNNING, SENT, FAILED, PREVIEW = "pending", "running", "sent", "failed", "preview"
    STATUSES = [(s, s) for s in (PENDING, RUNNING, SENT, FAILED, PREVIEW)]

    report = models.ForeignKey(ReportDefinition, on_delete=models.CASCADE, related_name="runs")
    schedule = models.ForeignKey(ReportSchedule, null=True, blank=True, on_delete=models.CASCADE, related_name="runs")
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    key = models.CharField(max_length=100, unique=True)
    status = models.CharField(max_length=8, choices=STATUSES, default=PENDING)
    error = models.TextField(blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)  # a worker is on it until then
    files = models.JSONField(default=dict, blank=True)  # format -> storage name
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")


class ReportDelivery(TenantOwned):
    """One recipient of one run: sent at most once (the row is marked in the transaction after SMTP accepted)."""

    run = models.ForeignKey(ReportRun, on_delete=models.CASCADE, related_name="deliveries")
    address = models.CharField(max_length=254)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["run", "address"], name="reports_delivery_once")]


class ReportSettings(TenantOwned):
    """Per tenant: the longest span a report may cover, and how long sent reports are kept."""

    max_span_days = models.PositiveIntegerField(_("longest report span (days)"), default=400)
    keep_days = models.PositiveIntegerField(_("keep sent reports (days)"), default=90)

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="reports_settings_one")]
