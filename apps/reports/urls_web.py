from django.urls import path

from . import views_web as v

app_name = "reports"

urlpatterns = [
    path("reports/", v.reports_page, name="index"),
    path("reports/new/", v.report_new, name="new"),
    path("reports/<int:pk>/", v.report_page, name="report"),
    path("reports/<int:pk>/edit/", v.report_edit, name="edit"),
    path("reports/<int:pk>/delete/", v.report_delete_view, name="delete"),
    path("reports/<int:pk>/chart.png", v.report_chart, name="chart"),
    path("reports/schedules/", v.schedules_page, name="schedules"),
    path("reports/schedules/new/", v.schedule_new, name="schedule-new"),
    path("reports/schedules/<int:pk>/", v.schedule_edit, name="schedule-edit"),
    path("reports/schedules/<int:pk>/delete/", v.schedule_delete_view, name="schedule-delete"),
    path("reports/sent/", v.sent_page, name="sent"),
    path("reports/sent/<int:pk>/<str:fmt>", v.sent_file, name="sent-file"),
]
