"""The address of a share link: the tenant's share host for public and protected links, else the host
the request came in on (login links always: their reader signs in on the tenant's usual host)."""

from django.urls import reverse

from apps.branding.selectors import brand_for_tenant

from .models import ShareLink


def share_url(request, link, token) -> str:
    path = reverse("share-page", kwargs={"token": token})
    share_host = brand_for_tenant(tenant_id=link.tenant_id).share_host
    if share_host and link.access != ShareLink.LOGIN:
        return f"{request.scheme}://{share_host}{path}"
    return request.build_absolute_uri(path)
