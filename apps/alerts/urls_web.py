from django.urls import path

from . import views_web as v

app_name = "alerts"

urlpatterns = [
    path("alerts/", v.alerts_page, name="index"),
    path("alerts/new/", v.rule_new, name="new"),
    path("alerts/<int:pk>/", v.rule_edit, name="edit"),
    path("alerts/<int:pk>/delete/", v.rule_delete_view, name="delete"),
    path("alerts/events/", v.events_page, name="events"),
]
