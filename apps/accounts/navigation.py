"""The header's navigation: the pages a signed-in person can open, and nothing else.

One table. A link appears only when its page exists and the user may open it: its capability flag
(the same flag the page itself requires, so a link never leads to a 403), or the admin site's own
rule for the admin. The home is left out for those it forwards to the call browser. Pages of issue 16
(call browser, uploads, ...) join the table as they land; no placeholders for pages that do not exist yet.
"""

from dataclasses import dataclass

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.users.actor import actor_for_user

from .twofactor import second_factor_pending


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    flag: str | None = None  # capability flag the page requires; None: every signed-in user
    admin_site: bool = False  # shown when the admin site lets this request in (active verified superusers)
    unless_flag: str | None = None  # hidden for holders of this flag (the home forwards them to that page)


NAV_ITEMS = (
    NavItem("home", _("Home"), "home", unless_flag="can_cdr"),
    NavItem("calls", _("Calls"), "browse:calls", flag="can_cdr"),
    NavItem("uploads", _("Upload"), "uploads", flag="can_upload_pcap"),
    NavItem("api-docs", _("API documentation"), "api-docs"),
    NavItem("profile", _("Profile"), "accounts:profile"),
    NavItem("admin", _("Administration"), "admin:index", admin_site=True),
)


def nav_items_for(request, actor):
    """The items of NAV_ITEMS this request's user may open, as dicts for the template."""
    items = []
    for item in NAV_ITEMS:
        if item.flag and not actor.can(item.flag):
            continue
        if item.unless_flag and actor.can(item.unless_flag):
            continue
        if item.admin_site and not admin.site.has_permission(request):
            continue
        url = reverse(item.url_name)
        items.append({"key": item.key, "label": item.label, "url": url, "current": request.path == url})
    return items


def navigation(request):
    """Context processor: `nav_items` for signed-in users (empty for visitors)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or second_factor_pending(request):
        return {"nav_items": []}  # visitors, and people who still owe their second factor, get no menu
    return {"nav_items": nav_items_for(request, actor_for_user(user))}
