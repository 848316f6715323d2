"""/api/v1/: each app's own `api/urls.py`, and the root page that lists their routes (in this order)."""

from django.urls import include, path

from apps.core.api.routers import api_root_urls

APP_API_URLS = (
    "apps.cdr.api.urls",
    "apps.capture.api.urls",
    "apps.tenants.api.urls",
    "apps.users.api.urls",
    "apps.accounts.api.urls",
    "apps.sensors.api.urls",
    "apps.media.api.urls",
    "apps.live.api.urls",
    "apps.sharing.api.urls",
    "apps.branding.api.urls",
    "apps.reports.api.urls",
    "apps.alerts.api.urls",
)

urlpatterns = [
    *(path("", include(module)) for module in APP_API_URLS),
    *api_root_urls(APP_API_URLS),
]
