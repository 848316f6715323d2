from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.secrets_field import EncryptedTextField
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
    # read back to talk to the sniffer, so encrypted (Fernet, key derived from SECRET_KEY), never hashed
    manager_aes_key = EncryptedTextField(
        _("sniffer manager AES key"), blank=True, help_text=_("Stored encrypted with a key derived from SECRET_KEY.")
    )
    manager_aes_iv = models.CharField(_("sniffer manager AES IV"), max_length=255, blank=True)
    # HEP v3 (live capture): the agent id maps packets to this sensor; the key is kept only as a hash
    hep_agent_id = models.PositiveIntegerField(_("HEP capture agent id"), null=True, blank=True, unique=True)
    hep_key_hash = models.CharField(_("HEP authentication key (hash)"), max_length=200, blank=True, editable=False)
    hep_packets = models.BigIntegerField(_("HEP packets accepted"), default=0, editable=False)
    hep_bytes = models.BigIntegerField(_("HEP bytes accepted"), default=0, editable=False)
    hep_drops = models.JSONField(_("HEP packets dropped, by reason"), default=dict, blank=True, editable=False)
    hep_last_packet_at = models.DateTimeField(_("last HEP packet"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["tenant_id", "id_sensor"]
        verbose_name = _("sensor")
        verbose_name_plural = _("sensors")
        constraints = [models.UniqueConstraint(fields=["tenant", "id_sensor"], name="sensor_number_unique_in_tenant")]

    def __str__(self):
        return f"{self.id_sensor} {self.name}"
