"""Tenant administration of capture settings (/admin-tenant/capture/): which SIP headers each new call
keeps, and which header links the legs of a call. Through capture_settings_get / capture_settings_update."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from apps.core.exceptions import InvalidInput
from apps.core.pages import page_view

from .selectors import capture_settings_get
from .services import capture_settings_update


class CaptureSettingsForm(forms.Form):
    custom_headers = forms.CharField(
        label=gettext_lazy("Custom SIP headers to store"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Comma-separated header names, for example X-Customer, P-Asserted-Identity. "
            "They apply to calls captured from now on."
        ),
    )
    match_header = forms.CharField(
        label=gettext_lazy("Leg match header"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("The header that links the legs of one call, e.g. X-CID."),
    )


@require_http_methods(["GET", "POST"])
@page_view(tenant_admin=True)
def capture_settings_page(request, actor):
    status, error = 200, None
    if request.method == "POST":
        form = CaptureSettingsForm(request.POST)
        if form.is_valid():
            try:
                capture_settings_update(actor=actor, **form.cleaned_data)
                messages.success(request, _("The capture settings are saved."))
                return redirect("tenant-capture:settings")
            except InvalidInput as exc:
                status, error = exc.status, exc.message
        else:
            status = 400
    else:
        row = capture_settings_get(actor=actor)
        form = CaptureSettingsForm(
            initial={"custom_headers": row.custom_headers, "match_header": row.match_header} if row else None
        )
    return render(request, "web/tenant/capture.html", {"form": form, "error": error}, status=status)
