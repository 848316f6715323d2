from django.core.exceptions import DisallowedHost
from django.http import Http404

from .selectors import brand_host_resolve

SHARE_HOST_PATHS = ("/s/", "/branding/", "/static/", "/i18n/")


class BrandHostMiddleware:
    """First of all: the request's host names its tenant (a share host, the tenant's domain or API host).

    Sets `request.brand_tenant_id` (None for the platform's own hosts) and `request.on_share_host`. A
    share host serves share links and their brand only; anything else there is 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            host = request.get_host()
        except DisallowedHost:
            host = ""
        request.brand_tenant_id, request.on_share_host = brand_host_resolve(host) if host else (None, False)
        if request.on_share_host and not request.path_info.startswith(SHARE_HOST_PATHS):
            raise Http404("not a share link")
        return self.get_response(request)
