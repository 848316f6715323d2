from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.accounts.views_home import home_view

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("voipmon.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its script as a file (no inline script, so the Content-Security-Policy holds)
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("accounts/sso/", include("apps.accounts.sso_urls")),  # namespace "social", as social-auth expects
    path("accounts/", include("apps.accounts.urls")),
    path("calls/", include("apps.browse.urls")),  # the call browser; /calls/<id>/ is the call page
    path("", include("apps.media.urls")),  # the call page
    path("", include("apps.capture.urls")),  # uploads
    path("", include("apps.live.urls_web")),  # active calls
    path("", include("apps.reports.urls_web")),  # reports, schedules, sent
    path("", include("apps.alerts.urls_web")),  # alert rules and events
    path("", include("apps.sharing.urls_web")),  # share links a user made
    path("admin-tenant/", include("apps.users.urls_web")),  # tenant administration: users and groups
    path("admin-tenant/sensors/", include("apps.sensors.urls_web")),
    path("admin-tenant/capture/", include("apps.capture.urls_web")),
    path("admin-tenant/branding/", include("apps.branding.urls_web")),
    path("", include("apps.sharing.urls")),
    path("", include("apps.branding.urls")),
    path("", include("apps.legacy.urls")),
    path("", home_view, name="home"),
]

handler500 = "voipmon.errors.server_error"
