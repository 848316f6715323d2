from django.contrib import admin

from .models import Sensor


@admin.register(Sensor)
class SensorAdmin(admin.ModelAdmin):
    list_display = ("id_sensor", "name", "tenant", "timezone", "manager_host", "manager_port", "hep_agent_id",
                    "hep_packets", "hep_bytes", "hep_drops", "hep_last_packet_at")
    readonly_fields = ("hep_key_hash", "hep_packets", "hep_bytes", "hep_drops", "hep_last_packet_at")
    search_fields = ("name", "manager_host")
    list_filter = ("tenant",)
