from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from apps.users.admin import UserAdmin
from apps.users.models import User

from .models import ApiToken, LdapGroupMapping, TenantAuthConfig
from .services import apitoken_create, apitoken_revoke, enrollment_code_issue

LDAP_FIELDS = (
    "ldap_enabled",
    "ldap_server_uri",
    "ldap_start_tls",
    "ldap_bind_dn",
    "ldap_bind_password",
    "ldap_bind_password_clear",
    "ldap_user_search_base",
    "ldap_user_filter",
    "ldap_group_search_base",
    "ldap_group_filter",
    "ldap_id_attribute",
)


class TenantAuthConfigForm(forms.ModelForm):
    """The bind password is write-only: never sent back to the browser, kept when left empty."""

    ldap_bind_password = forms.CharField(
        label=_("bind password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    ldap_bind_password_clear = forms.BooleanField(label=_("remove the stored bind password"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = bool(self.instance.pk and self.instance.ldap_bind_password)
        self.fields["ldap_bind_password"].help_text = (
            _("A password is stored (encrypted). Leave empty to keep it.") if stored else _("No password is stored.")
        )

    class Meta:
        model = TenantAuthConfig
        fields = (
            "tenant",
            "default_group",
            *LDAP_FIELDS,
            "google_enabled",
            "google_allowed_domains",
            "microsoft_enabled",
            "microsoft_tenant_id",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("ldap_bind_password_clear"):
            cleaned["ldap_bind_password"] = ""
        elif not cleaned.get("ldap_bind_password"):
            cleaned["ldap_bind_password"] = self.instance.ldap_bind_password if self.instance.pk else ""
        return cleaned


class LdapGroupMappingInline(admin.TabularInline):
    model = LdapGroupMapping
    extra = 1
    fields = ("position", "ldap_group_dn", "group", "is_admin")


@admin.register(TenantAuthConfig)
class TenantAuthConfigAdmin(admin.ModelAdmin):
    form = TenantAuthConfigForm
    list_display = ("tenant", "ldap_enabled", "google_enabled", "microsoft_enabled")
    inlines = [LdapGroupMappingInline]
    fieldsets = (
        (None, {"fields": ("tenant", "default_group")}),
        (_("LDAP"), {"fields": LDAP_FIELDS}),
        (_("Google"), {"fields": ("google_enabled", "google_allowed_domains")}),
        (_("Microsoft (Entra ID)"), {"fields": ("microsoft_enabled", "microsoft_tenant_id")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are revoked here; a new one is created with the action below or on the user's profile page."""

    list_display = ("name", "user", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at")
    fields = ("user", "name", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at")
    actions = ["revoke", "issue_replacement"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            apitoken_revoke(token=token)

    @admin.action(description=_("Issue a new token for the same user (the key is shown once)"))
    def issue_replacement(self, request, queryset):
        for token in queryset:
            _new, key = apitoken_create(user=token.user, name=token.name)
            messages.warning(request, _("New key for %(user)s: %(key)s") % {"user": token.user, "key": key})


admin.site.unregister(User)


@admin.register(User)
class UserCredentialsAdmin(UserAdmin):
    """The users app's admin, plus the credentials it cannot know about: tokens and 2FA enrollment codes."""

    actions = [*UserAdmin.actions, "issue_api_token", "issue_enrollment_code"]

    @admin.action(description=_("Issue an API token (the key is shown once)"))
    def issue_api_token(self, request, queryset):
        for user in queryset:
            _token, key = apitoken_create(user=user, name="admin", days=365)
            messages.warning(request, _("API token for %(user)s: %(key)s") % {"user": user.username, "key": key})

    @admin.action(description=_("Issue a 2FA enrollment code (the code is shown once)"))
    def issue_enrollment_code(self, request, queryset):
        for user in queryset:
            code, _expires = enrollment_code_issue(user=user, issued_by=request.user)
            messages.warning(
                request, _("2FA enrollment code for %(user)s: %(code)s") % {"user": user.username, "code": code}
            )
