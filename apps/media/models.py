"""What the media app keeps: zip exports built in Celery, downloadable until they expire."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import TenantOwned


class ExportJob(TenantOwned):
    """A zip of many calls' pcaps or recordings, too big to stream in one request.

    Only the user who asked sees it (the calls in it were chosen with that user's restrictions)."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUS_CHOICES = [(QUEUED, _("queued")), (RUNNING, _("running")), (DONE, _("done")), (FAILED, _("failed"))]
    PCAP, AUDIO = "pcap", "audio"
    KIND_CHOICES = [(PCAP, _("pcap")), (AUDIO, _("audio"))]

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    cdr_ids = models.JSONField(default=list)
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=QUEUED)
    progress = models.FloatField(default=0, help_text=_("0 to 100"))
    files_done = models.IntegerField(default=0)
    file_name = models.CharField(max_length=500, blank=True)
    size = models.BigIntegerField(default=0)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text=_("runs started; more than one after a lost worker"))
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text=_("last sign of life of the running job"))
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["status", "expires_at"], name="exportjob_expiry")]

    def __str__(self):
        return f"{self.kind} export {self.pk} ({self.status})"
