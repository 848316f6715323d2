from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import TenantOwned
from apps.tenants.models import validate_timezone


class Sensor(TenantOwned):
    """A capture point of a tenant, known to the legacy API by its number (`id_sensor`)."""

    scope_sensor_field = "id_sensor"

    id_sensor = models.PositiveIntegerField(_("sensor number"))
    name = models.CharField(_("name"), max_length=200)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_timezone])
    manager_host = models.CharField(_("sniffer manager address"), max_length=255, blank=True)
    manager_port = models.PositiveIntegerField(_("sniffer manager port"), null=True, blank=True)
    manager_aes_key = models.CharField(_("sniffer manager AES key"), max_length=255, blank=True)

    class Meta:
        ordering = ["tenant_id", "id_sensor"]
        verbose_name = _("sensor")
        verbose_name_plural = _("sensors")
        constraints = [models.UniqueConstraint(fields=["tenant", "id_sensor"], name="sensor_number_unique_in_tenant")]

    def __str__(self):
        return f"{self.id_sensor} {self.name}"
