"""Live capture state: the calls in progress, the commands on them (the audit trail), the pause
intervals of stored calls, and the HEP listener's own counters."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import TenantOwned


class ActiveCall(TenantOwned):
    """A call in progress, as the listener last published it (refreshed every second).

    The scope columns (sensor, numbers, domains, IPs, VLAN) let ``visible_to`` apply the same rules as
    to stored calls; ``state`` is the listcalls row. With Redis configured the row's fresh ``state``
    lives in Redis and this row holds what it had when the call started.
    """

    scope_sensor_field = "id_sensor"
    scope_restriction_fields = {
        "numbers": ("caller", "called"),
        "domains": ("caller_domain", "called_domain"),
        "ips": ("sipcallerip", "sipcalledip"),
        "vlan": "vlan",
    }

    id_sensor = models.IntegerField(_("sensor number"))
    callref = models.CharField(_("call reference"), max_length=32)
    callid = models.CharField(_("Call-ID"), max_length=255)
    calldate = models.DateTimeField(_("start"))
    caller = models.CharField(max_length=255, blank=True, default="")
    called = models.CharField(max_length=255, blank=True, default="")
    caller_domain = models.CharField(max_length=255, blank=True, default="")
    called_domain = models.CharField(max_length=255, blank=True, default="")
    sipcallerip = models.GenericIPAddressField(null=True, blank=True)
    sipcalledip = models.GenericIPAddressField(null=True, blank=True)
    vlan = models.IntegerField(null=True, blank=True)
    state = models.JSONField(default=dict)
    updated_at = models.DateTimeField(_("refreshed"))

    class Meta:
        ordering = ["calldate", "id"]
        verbose_name = _("active call")
        verbose_name_plural = _("active calls")
        constraints = [models.UniqueConstraint(fields=["tenant", "callref"], name="activecall_ref_unique")]
        indexes = [models.Index(fields=["tenant", "id_sensor", "calldate"], name="activecall_sensor_idx")]


class ActiveCallCommand(TenantOwned):
    """pausecall / unpausecall on an active call: the listener's queue and the audit trail."""

    PAUSE, UNPAUSE = "pausecall", "unpausecall"
    COMMANDS = [(PAUSE, _("pause recording")), (UNPAUSE, _("resume recording"))]

    id_sensor = models.IntegerField(_("sensor number"))
    callref = models.CharField(_("call reference"), max_length=32)
    callid = models.CharField(_("Call-ID"), max_length=255, blank=True)
    command = models.CharField(max_length=20, choices=COMMANDS)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    result = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("active call command")
        verbose_name_plural = _("active call commands")
        indexes = [models.Index(fields=["applied_at", "id"], name="activecallcmd_pending_idx")]


class CallPause(TenantOwned):
    """A span during which a stored call's recording was paused (its RTP kept without payload)."""

    cdr = models.ForeignKey("cdr.Cdr", on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(_("paused at"))
    ended_at = models.DateTimeField(_("resumed at"))

    class Meta:
        ordering = ["cdr_id", "started_at"]
        verbose_name = _("recording pause")
        verbose_name_plural = _("recording pauses")


class HepListenerStatus(models.Model):
    """One running ``hep_listen``: what it received that belongs to no sensor (unknown agent ids,
    malformed packets), refreshed every second. Platform operators read it in the admin."""

    name = models.CharField(max_length=100, unique=True)
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    packets = models.BigIntegerField(default=0)
    drops = models.JSONField(default=dict, blank=True)
    active_calls = models.IntegerField(default=0)
    kernel_drops = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("HEP listener")
        verbose_name_plural = _("HEP listeners")

    def __str__(self):
        return self.name
