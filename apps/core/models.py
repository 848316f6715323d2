"""Rows that belong to no single feature app: the audit log of API use."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scoping import TenantOwned


class AuditLog(TenantOwned):
    """Who used the API for what, and why (`auditReason`, which any legacy task may carry)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task = models.CharField(_("task"), max_length=100)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.task}"
