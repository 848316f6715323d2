"""The share-links page (/shares/): a user's own links, every link of the tenant for its administrators,
and revoking one. The same reads and write as REST /api/v1/shares/ (`share_link_list`, `share_link_get`,
`share_link_revoke`), so another user's link is 404 to a non-administrator and another tenant's to all."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core.pages import page_view

from .selectors import share_link_get, share_link_list
from .services import share_link_revoke, share_link_state

PAGE_SIZE = 50


@require_GET
@page_view()
def share_links_page(request, actor):
    actor.require("can_cdr")
    page = Paginator(share_link_list(actor=actor).order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    links = [{"link": link, "gone": share_link_state(link)} for link in page.object_list]
    context = {"page": page, "links": links, "all_of_tenant": actor.is_admin}
    return render(request, "web/sharing/links.html", context)


@require_POST
@page_view()
def share_link_revoke_view(request, actor, pk):
    actor.require("can_cdr")
    link = share_link_revoke(link=share_link_get(actor=actor, link_id=pk))
    messages.success(request, _("Share link %(id)s is revoked: it no longer opens.") % {"id": link.pk})
    return redirect("sharing:links")
