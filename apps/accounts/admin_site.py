"""The admin is the platform operator's tool: only active, unblocked, verified superusers enter it.

Tenant administrators manage their tenant through the REST API (and its pages), never here, so a
non-superuser can never list another tenant's rows in the admin. Signing in goes through the one
sign-in page (throttling, LDAP, the second factor), not the admin's own form.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .twofactor import second_factor_pending


class VoipmonAdminSite(admin.AdminSite):
    site_header = "voipmon"
    site_title = "voipmon"

    def has_permission(self, request):
        user = request.user
        return bool(
            user.is_active
            and user.is_superuser
            and not getattr(user, "blocked", False)
            and not second_factor_pending(request)
        )

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and not second_factor_pending(request):
            if self.has_permission(request):
                return HttpResponseRedirect(reverse("admin:index"))
            return HttpResponseForbidden(_("The administration is for platform superusers only."))
        target = request.GET.get("next") or reverse("admin:index")
        return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")
