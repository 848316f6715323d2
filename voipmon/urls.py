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
    path("", include("apps.sharing.urls")),
    path("", include("apps.branding.urls")),
    path("", include("apps.legacy.urls")),
    path("", home_view, name="home"),
]

handler500 = "voipmon.errors.server_error"
