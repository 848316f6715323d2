from django.contrib import admin

from .models import Sensor


@admin.register(Sensor)
class SensorAdmin(admin.ModelAdmin):
    list_display = ("id_sensor", "name", "tenant", "timezone", "manager_host", "manager_port")
    search_fields = ("name", "manager_host")
    list_filter = ("tenant",)
