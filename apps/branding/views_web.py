"""Tenant administration of the brand (/admin-tenant/branding/): product name, colour, logo, favicon,
hosts, mail sender and footer, support contact. Through branding_get / branding_update, which checks
every value (images, colour, hosts no other tenant holds) before writing anything."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from apps.core.exceptions import InvalidInput
from apps.core.pages import page_view

from .selectors import branding_get
from .services import TEXT_FIELDS, branding_update


class BrandingForm(forms.Form):
    product_name = forms.CharField(label=gettext_lazy("Product name"), max_length=100, required=False)
    primary_colour = forms.CharField(
        label=gettext_lazy("Primary colour"),
        max_length=7,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "#1f5fbf"}),
        help_text=gettext_lazy("Written #RRGGBB."),
    )
    logo = forms.FileField(label=gettext_lazy("Logo (PNG or SVG)"), required=False)
    clear_logo = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)
    favicon = forms.FileField(label=gettext_lazy("Favicon (PNG, SVG or ICO)"), required=False)
    clear_favicon = forms.BooleanField(label=gettext_lazy("Remove the favicon"), required=False)
    domain = forms.CharField(label=gettext_lazy("Your own web host"), max_length=255, required=False)
    share_host = forms.CharField(label=gettext_lazy("Host of share links"), max_length=255, required=False)
    mail_sender = forms.CharField(
        label=gettext_lazy("E-mail sender"), max_length=200, required=False, help_text=gettext_lazy('"Name <a@b.c>"')
    )
    mail_footer = forms.CharField(
        label=gettext_lazy("E-mail footer"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    support_contact = forms.CharField(label=gettext_lazy("Support contact"), max_length=200, required=False)


FIELDS = (*TEXT_FIELDS, "share_host")


@require_http_methods(["GET", "POST"])
@page_view(tenant_admin=True)
def branding_page(request, actor):
    status, error = 200, None
    if request.method == "POST":
        form = BrandingForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            logo, favicon = data.get("logo"), data.get("favicon")
            try:
                branding_update(
                    actor=actor,
                    data={name: data[name] for name in FIELDS},
                    logo=logo.read() if logo else None,
                    favicon=favicon.read() if favicon else None,
                    clear_logo=data["clear_logo"],
                    clear_favicon=data["clear_favicon"],
                )
                messages.success(request, _("The branding is saved."))
                return redirect("tenant-branding:edit")
            except InvalidInput as exc:
                status, error = exc.status, exc.message
        else:
            status = 400
    else:
        row = branding_get(actor=actor)
        form = BrandingForm(initial={name: getattr(row, name) or "" for name in FIELDS} if row else None)
    return render(request, "web/tenant/branding.html", {"form": form, "error": error}, status=status)
