from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.branding.models import Branding


class BrandingSerializer(serializers.ModelSerializer):
    share_host = serializers.CharField(allow_null=True, read_only=True)
    updated_at = serializers.DateTimeField(allow_null=True, read_only=True)
    logo_url = serializers.SerializerMethodField()
    favicon_url = serializers.SerializerMethodField()

    class Meta:
        model = Branding
        fields = ("product_name", "share_host", "domain", "primary_colour", "mail_sender", "mail_footer",
                  "support_contact", "logo_type", "logo_url", "favicon_type", "favicon_url", "updated_at")  # fmt: skip
        read_only_fields = fields

    def get_logo_url(self, obj) -> str | None:
        return f"/branding/{obj.tenant_id}/logo" if obj.logo else None

    def get_favicon_url(self, obj) -> str | None:
        return f"/branding/{obj.tenant_id}/favicon" if obj.favicon else None


class BrandingWriteSerializer(serializers.Serializer):
    """Every field optional (PATCH and PUT alike); a file field replaces the image, `clear_*` removes it."""

    product_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    share_host = serializers.CharField(max_length=255, required=False, allow_blank=True, allow_null=True)
    domain = serializers.CharField(max_length=255, required=False, allow_blank=True)
    primary_colour = serializers.CharField(max_length=7, required=False, allow_blank=True)
    mail_sender = serializers.CharField(max_length=200, required=False, allow_blank=True)
    mail_footer = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    support_contact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    logo = serializers.FileField(required=False, help_text=_("PNG or SVG"))
    favicon = serializers.FileField(required=False, help_text=_("PNG, SVG or ICO"))
    clear_logo = serializers.BooleanField(required=False, default=False)
    clear_favicon = serializers.BooleanField(required=False, default=False)
