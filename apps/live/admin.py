from django.contrib import admin

from .models import ActiveCall, ActiveCallCommand, CallPause, HepListenerStatus


@admin.register(ActiveCall)
class ActiveCallAdmin(admin.ModelAdmin):
    list_display = ("callref", "tenant", "id_sensor", "callid", "caller", "called", "calldate", "updated_at")
    list_filter = ("tenant",)
    search_fields = ("callid", "caller", "called")


@admin.register(ActiveCallCommand)
class ActiveCallCommandAdmin(admin.ModelAdmin):
    """The audit trail of pause / unpause: who, when, which call, and what the listener answered."""

    list_display = ("created_at", "tenant", "user", "id_sensor", "callref", "callid", "command", "applied_at", "result")
    list_filter = ("command", "tenant")
    search_fields = ("callid", "callref")


@admin.register(CallPause)
class CallPauseAdmin(admin.ModelAdmin):
    list_display = ("cdr", "tenant", "started_at", "ended_at")


@admin.register(HepListenerStatus)
class HepListenerStatusAdmin(admin.ModelAdmin):
    list_display = ("name", "started_at", "updated_at", "packets", "drops", "active_calls", "kernel_drops")
