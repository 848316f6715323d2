from django.contrib import admin

from .models import Tenant


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = Tenant.SETTINGS_FIELDS
    search_fields = ("slug", "name")
    list_filter = ("api_disable_authorization", "timezone")
    raw_id_fields = ("api_user",)
