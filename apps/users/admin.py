from django.contrib import admin, messages
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
        (_("Tenant"), {"fields": ("tenant", "is_admin", "group", "timezone", "external_id")}),
        (_("Capabilities (empty: from the group)"), {"fields": CAPABILITY_FLAGS, "classes": ("collapse",)}),
        (_("Restrictions"), {"fields": User.RESTRICTION_FIELDS}),
        (_("Access"), {"fields": User.ACCESS_FIELDS}),
    )
    actions = ["issue_api_token", "issue_enrollment_code"]

    @admin.action(description=_("Issue an API token (the key is shown once)"))
    def issue_api_token(self, request, queryset):
        from apps.accounts.services import apitoken_create

        for user in queryset:
            _token, key = apitoken_create(user=user, name="admin", days=365)
            messages.warning(request, _("API token for %(user)s: %(key)s") % {"user": user.username, "key": key})

    @admin.action(description=_("Issue a 2FA enrollment code (the code is shown once)"))
    def issue_enrollment_code(self, request, queryset):
        from apps.accounts.services import enrollment_code_issue

        for user in queryset:
            code, _expires = enrollment_code_issue(user=user, issued_by=request.user)
            messages.warning(
                request, _("2FA enrollment code for %(user)s: %(code)s") % {"user": user.username, "code": code}
            )

    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "tenant", "is_admin", "password1", "password2")}),
    )
