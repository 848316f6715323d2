from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Sensor


class SensorAdminForm(forms.ModelForm):
    """The sniffer manager's AES key is write-only: never sent back to the browser, kept when left empty."""

    manager_aes_key = forms.CharField(
        label=_("sniffer manager AES key"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    manager_aes_key_clear = forms.BooleanField(label=_("remove the stored AES key"), required=False)

    class Meta:
        model = Sensor
        fields = (
            "tenant",
            "id_sensor",
            "name",
            "timezone",
            "manager_host",
            "manager_port",
            "manager_aes_key",
            "manager_aes_key_clear",
            "manager_aes_iv",
            "hep_agent_id",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = bool(self.instance.pk and self.instance.manager_aes_key)
        self.fields["manager_aes_key"].help_text = (
            _("A key is stored (encrypted). Leave empty to keep it.") if stored else _("No key is stored.")
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("manager_aes_key_clear"):
            cleaned["manager_aes_key"] = ""
        elif not cleaned.get("manager_aes_key"):
            cleaned["manager_aes_key"] = self.instance.manager_aes_key if self.instance.pk else ""
        return cleaned


@admin.register(Sensor)
class SensorAdmin(admin.ModelAdmin):
    form = SensorAdminForm
    list_display = (
        "id_sensor",
        "name",
        "tenant",
        "timezone",
        "manager_host",
        "manager_port",
        "hep_agent_id",
        "hep_packets",
        "hep_bytes",
        "hep_drops",
        "hep_last_packet_at",
    )
    readonly_fields = ("hep_key_hash", "hep_packets", "hep_bytes", "hep_drops", "hep_last_packet_at")
    search_fields = ("name", "manager_host")
    list_filter = ("tenant",)
