"""The brand's images, served from the database (small, checked and sanitised on upload)."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from .selectors import branding_image


@require_GET
def brand_image_view(request, tenant_id, which):
    found = branding_image(tenant_id=tenant_id, which=which) if which in ("logo", "favicon") else None
    if found is None:
        raise Http404("no image")
    data, content_type = found
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    if content_type == "image/svg+xml":
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return response
