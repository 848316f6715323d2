from django.contrib import admin

from .models import ReportDefinition, ReportRun, ReportSchedule, ReportSettings


@admin.register(ReportDefinition)
class ReportDefinitionAdmin(admin.ModelAdmin):
    list_display = ("description", "tenant", "group_by", "mos_kind", "created_at")
    search_fields = ("description",)
    list_filter = ("tenant",)


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    list_display = ("report", "tenant", "frequency", "time", "enabled")
    list_filter = ("tenant", "frequency", "enabled")
    exclude = ("periodic_task",)

    def save_model(self, request, obj, form, change):
        from .services import schedule_beat_sync

        super().save_model(request, obj, form, change)
        schedule_beat_sync(schedule=obj)  # the beat entry follows the admin's edit


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = ("report", "tenant", "period_start", "period_end", "status", "attempts", "created_at")
    list_filter = ("tenant", "status")
    readonly_fields = ("key", "files", "error", "attempts", "lease_until", "finished_at")


@admin.register(ReportSettings)
class ReportSettingsAdmin(admin.ModelAdmin):
    list_display = ("tenant", "max_span_days", "keep_days")
