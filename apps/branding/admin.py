from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from apps.core.actor import Actor
from apps.core.exceptions import AppError

from .models import Branding
from .services import TEXT_FIELDS, branding_update


class BrandingForm(forms.ModelForm):
    logo_file = forms.FileField(required=False, help_text="PNG or SVG")
    favicon_file = forms.FileField(required=False, help_text="PNG, SVG or ICO")

    class Meta:
        model = Branding
        fields = ("tenant", "product_name", "share_host", "domain", "primary_colour", "mail_sender", "mail_footer",
                  "support_contact")  # fmt: skip

    def clean(self):
        data = super().clean()
        tenant = data.get("tenant")
        if tenant is None:
            return data
        actor = Actor(tenant_id=tenant.pk, is_admin=True)
        logo, favicon = data.get("logo_file"), data.get("favicon_file")
        try:
            self.saved = branding_update(
                actor=actor,
                data={field: data.get(field) for field in (*TEXT_FIELDS, "share_host")},
                logo=logo.read() if logo else None,
                favicon=favicon.read() if favicon else None,
            )
        except AppError as exc:
            raise ValidationError(exc.message) from None
        return data


@admin.register(Branding)
class BrandingAdmin(admin.ModelAdmin):
    """The platform's view of every tenant's brand; writes go through the same service as REST."""

    form = BrandingForm
    list_display = ("tenant", "product_name", "share_host", "domain", "primary_colour")
    search_fields = ("product_name", "share_host", "domain")

    def save_model(self, request, obj, form, change):
        obj.pk = obj.id = form.saved.pk  # already written by branding_update in the form's clean()
