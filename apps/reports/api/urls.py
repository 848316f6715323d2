"""Reports, schedules and sent reports (CRUD), and their rendering, send now, preview and downloads."""

from django.urls import re_path

from apps.core.api.routers import AppRouter

from .views import ReportRunViewSet, ReportScheduleViewSet, ReportViewSet

router = AppRouter()
router.register("reports", ReportViewSet, basename="report")
router.register("report-schedules", ReportScheduleViewSet, basename="report-schedule")
router.register("report-runs", ReportRunViewSet, basename="report-run")

urlpatterns = [
    re_path(r"^reports/(?P<pk>-?[0-9]+)/render/?$", ReportViewSet.as_view({"get": "render"}), name="report-render"),
    re_path(
        r"^report-schedules/(?P<pk>-?[0-9]+)/send/?$",
        ReportScheduleViewSet.as_view({"post": "send"}),
        name="report-schedule-send",
    ),
    re_path(
        r"^report-schedules/(?P<pk>-?[0-9]+)/preview/?$",
        ReportScheduleViewSet.as_view({"get": "preview"}),
        name="report-schedule-preview",
    ),
    re_path(
        r"^report-runs/(?P<pk>-?[0-9]+)/download/?$",
        ReportRunViewSet.as_view({"get": "download"}),
        name="report-run-download",
    ),
    *router.urls,
]
