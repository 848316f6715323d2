from django.contrib import admin

from .models import CaptureSettings, CaptureUpload, SipMessageCount


@admin.register(CaptureUpload)
class CaptureUploadAdmin(admin.ModelAdmin):
    list_display = ("id", "tenant", "id_sensor", "original_name", "size", "status", "progress", "created_at")
    list_filter = ("status", "tenant")
    search_fields = ("original_name",)


@admin.register(CaptureSettings)
class CaptureSettingsAdmin(admin.ModelAdmin):
    list_display = ("tenant", "custom_headers", "match_header")


@admin.register(SipMessageCount)
class SipMessageCountAdmin(admin.ModelAdmin):
    list_display = ("tenant", "id_sensor", "day", "method", "count")
    list_filter = ("method", "tenant")
