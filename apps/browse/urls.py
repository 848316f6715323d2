from django.urls import path

from . import views

app_name = "browse"

urlpatterns = [
    path("", views.calls_view, name="calls"),
    path("export.csv", views.calls_csv_view, name="calls-csv"),
    path("saved/", views.saved_filter_save_view, name="saved-save"),
    path("saved/<int:filter_id>/", views.saved_filter_open_view, name="saved-open"),
    path("saved/<int:filter_id>/delete/", views.saved_filter_delete_view, name="saved-delete"),
    path("exports/", views.export_create_view, name="export-create"),
    path("exports/<int:job_id>/", views.export_status_view, name="export-status"),
]
