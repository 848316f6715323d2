"""/api/v1/: each app's own `api/urls.py`, and the root page that lists their routes (in this order)."""

from django.urls import include, path

from apps.core.api.routers import AppRouter, api_root_urls
from apps.reports.api.views import ReportRunViewSet, ReportScheduleViewSet, ReportViewSet

APP_API_URLS = (
    "apps.cdr.api.urls",
    "apps.capture.api.urls",
    "apps.tenants.api.urls",
    "apps.users.api.urls",
    "apps.sensors.api.urls",
    "apps.media.api.urls",
    "apps.alerts.api.urls",
)

# Merge of the `reports` branch (still on the old shape): its CRUD routes until it has api/urls.py's router.
reports_router = AppRouter()
reports_router.register("reports", ReportViewSet, basename="report")
reports_router.register("report-schedules", ReportScheduleViewSet, basename="report-schedule")
reports_router.register("report-runs", ReportRunViewSet, basename="report-run")

urlpatterns = [
    *(path("", include(module)) for module in APP_API_URLS),
    path("", include("apps.reports.api.urls")),
    *reports_router.urls,
    *api_root_urls(APP_API_URLS),
]
