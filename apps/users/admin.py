from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from apps.core.capabilities import CAPABILITY_FLAGS

from .models import User, UserGroup


@admin.register(UserGroup)
class UserGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "tenant")
    list_filter = ("tenant", *CAPABILITY_FLAGS[:8])
    search_fields = ("name",)
    fieldsets = ((None, {"fields": ("tenant", "name")}), (_("Capabilities"), {"fields": CAPABILITY_FLAGS}))


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "tenant", "is_admin", "group", "blocked", "is_superuser", "last_login")
    list_filter = ("tenant", "is_admin", "blocked", "req_2fa", "is_superuser", "group", *CAPABILITY_FLAGS[:8])
    search_fields = ("username", "email", "first_name", "last_name", "external_id")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Tenant"), {"fields": ("tenant", "is_admin", "group", "timezone", "language", "external_id")}),
        (_("Capabilities (empty: from the group)"), {"fields": CAPABILITY_FLAGS, "classes": ("collapse",)}),
        (_("Restrictions"), {"fields": User.RESTRICTION_FIELDS}),
        (_("Access"), {"fields": User.ACCESS_FIELDS}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "tenant", "is_admin", "password1", "password2")}),
    )
