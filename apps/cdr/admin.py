from django.contrib import admin

from .models import Cdr, CdrDtmf, CdrRtp


class CdrRtpInline(admin.TabularInline):
    model = CdrRtp
    extra = 0
    exclude = ("tenant",)


class CdrDtmfInline(admin.TabularInline):
    model = CdrDtmf
    extra = 0
    exclude = ("tenant",)


@admin.register(Cdr)
class CdrAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "calldate",
        "caller",
        "called",
        "duration",
        "lastSIPresponseNum",
        "payload",
        "mos_min_mult10",
        "id_sensor",
        "tenant",
    )
    list_filter = ("tenant", "lastSIPresponseNum", "bye", "whohanged", "payload", "id_sensor")
    search_fields = ("caller", "called", "callid", "callername")
    date_hierarchy = "calldate"
    inlines = (CdrRtpInline, CdrDtmfInline)
    show_full_result_count = False
    list_select_related = ("tenant",)


@admin.register(CdrRtp)
class CdrRtpAdmin(admin.ModelAdmin):
    list_display = ("cdr", "saddr", "sport", "daddr", "dport", "ssrc", "payload", "received", "lost")
    raw_id_fields = ("cdr",)


@admin.register(CdrDtmf)
class CdrDtmfAdmin(admin.ModelAdmin):
    list_display = ("cdr", "time", "digit", "type")
    raw_id_fields = ("cdr",)
