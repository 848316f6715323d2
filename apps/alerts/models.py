"""Alert rules, the events they fired and every delivery attempt (docs/alerts.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import TenantOwned

QUALITY_KINDS = ("mos", "loss", "jitter", "delay", "one_way", "missing_rtp", "pdd")
KINDS = (
    *QUALITY_KINDS,
    "sip_response",
    "sensor_silence",
    "traffic_drop",
    "concurrent_calls",
    "sequential",
    "destination",
)
COUNT_MODES = ("calls", "percent_all", "percent_filtered")


class AlertRule(TenantOwned):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=[(k, k) for k in KINDS])
    threshold = models.FloatField(_("threshold"), default=1)
    count_mode = models.CharField(max_length=20, choices=[(m, m) for m in COUNT_MODES], default="calls")
    window_minutes = models.PositiveIntegerField(_("window (minutes)"), default=5)
    filters = models.JSONField(_("call filters"), default=dict, blank=True)
    params = models.JSONField(_("kind parameters"), default=dict, blank=True)
    sensors = models.JSONField(_("sensor numbers (empty: all)"), default=list, blank=True)
    active_days = models.JSONField(_("active weekdays (1 = Monday .. 7; empty: every day)"), default=list, blank=True)
    active_hours = models.JSONField(_("active hours [from, to) (empty: all day)"), default=list, blank=True)
    once_per_hours = models.FloatField(_("at most once per N hours per subject (0: every window)"), default=0)
    actions = models.JSONField(_("actions"), default=list, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tenant_id", "name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="alerts_rule_name_unique")]

    def __str__(self):
        return self.name


class AlertEvent(TenantOwned):
    """One firing (or recovery) of a rule for one window and subject; `key` makes it happen once."""

    ALERT, RECOVERY = "alert", "recovery"

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="events")
    key = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=10, choices=[(ALERT, ALERT), (RECOVERY, RECOVERY)], default=ALERT)
    subject = models.CharField(max_length=255, blank=True, default="")
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    measured = models.FloatField()
    threshold = models.FloatField()
    call_ids = models.JSONField(default=list, blank=True)
    call_count = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-window_end", "-id"]
        indexes = [models.Index(fields=["tenant", "rule", "subject", "window_end"], name="alerts_event_subject")]


class AlertEventCall(TenantOwned):
    """The (capped) calls of an event, so that restricted users see only events about calls they may see."""

    event = models.ForeignKey(AlertEvent, on_delete=models.CASCADE, related_name="calls")
    cdr = models.ForeignKey("cdr.Cdr", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "cdr"], name="alerts_event_call_once")]


class AlertAttempt(TenantOwned):
    """One try of one action of an event (e-mail or webhook): what was answered, or why it failed."""

    event = models.ForeignKey(AlertEvent, on_delete=models.CASCADE, related_name="attempts")
    action_index = models.IntegerField()
    action_type = models.CharField(max_length=10)
    target = models.CharField(max_length=500)
    ok = models.BooleanField(default=False)
    status_code = models.IntegerField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event_id", "action_index", "id"]
