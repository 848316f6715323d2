"""What the capture pipeline keeps besides call records: uploads with their progress, per-tenant
capture settings, and counts of signalling that is not a call (REGISTER, OPTIONS, ...)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import TenantOwned


class CaptureSettings(TenantOwned):
    """Per tenant: which SIP headers to keep on each call, and which header links the legs of a call."""

    custom_headers = models.TextField(_("custom SIP headers to store"), blank=True, help_text=_("Comma-separated."))
    match_header = models.CharField(_("leg match header"), max_length=100, blank=True, help_text=_("e.g. X-CID"))

    class Meta:
        verbose_name = _("capture settings")
        verbose_name_plural = _("capture settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="capturesettings_one_per_tenant")]

    def header_names(self):
        return tuple(h.strip() for h in self.custom_headers.replace("\n", ",").split(",") if h.strip())


class CaptureUpload(TenantOwned):
    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUS_CHOICES = [(QUEUED, _("queued")), (RUNNING, _("running")), (DONE, _("done")), (FAILED, _("failed"))]

    id_sensor = models.IntegerField(_("sensor number"))
    original_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(max_length=500)
    size = models.BigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=QUEUED)
    progress = models.FloatField(default=0, help_text=_("0 to 100"))
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text=_("runs started; more than one after a lost worker"))
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text=_("last sign of life of the running job"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("capture upload")
        verbose_name_plural = _("capture uploads")


class SipMessageCount(TenantOwned):
    """Signalling that is not a call, counted per sensor, day and method."""

    id_sensor = models.IntegerField()
    day = models.DateField()
    method = models.CharField(max_length=20)
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("SIP message count")
        verbose_name_plural = _("SIP message counts")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "id_sensor", "day", "method"], name="sipcount_unique"),
        ]
