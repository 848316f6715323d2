from django.contrib import admin

from .models import ShareLink, ShareOpen, SharePolicy


class ShareOpenInline(admin.TabularInline):
    model = ShareOpen
    extra = 0
    can_delete = False
    readonly_fields = ("at", "address", "user_agent", "user")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    """Links are made by users (REST, legacy); here the platform can see them and revoke them."""

    list_display = ("id", "tenant", "cdr_id", "content", "access", "anonymise", "valid_until", "opens", "max_opens",
                    "created_by", "revoked_at")  # fmt: skip
    list_filter = ("tenant", "content", "access", "anonymise")
    readonly_fields = ("tenant", "cdr", "cdr_ids", "token_hash", "content", "access", "anonymise", "mask_digits",
                       "allow_pcap", "allow_audio", "salt", "valid_until", "max_opens", "opens", "created_by",
                       "created_at")  # fmt: skip
    exclude = ("password_hash",)
    inlines = [ShareOpenInline]

    def has_add_permission(self, request):
        return False


@admin.register(SharePolicy)
class SharePolicyAdmin(admin.ModelAdmin):
    list_display = ("tenant", "max_valid_days", "allow_audio", "mask_digits")
