from django.contrib import admin

from .models import AlertAttempt, AlertEvent, AlertRule


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "tenant", "kind", "threshold", "count_mode", "window_minutes", "enabled")
    list_filter = ("tenant", "kind", "enabled")
    search_fields = ("name",)


@admin.register(AlertEvent)
class AlertEventAdmin(admin.ModelAdmin):
    list_display = ("rule", "tenant", "state", "subject", "window_end", "measured", "threshold")
    list_filter = ("tenant", "state")
    readonly_fields = [f.name for f in AlertEvent._meta.fields]


@admin.register(AlertAttempt)
class AlertAttemptAdmin(admin.ModelAdmin):
    list_display = ("event", "action_type", "target", "ok", "status_code", "created_at")
    list_filter = ("tenant", "ok", "action_type")
