from django.urls import path

from . import views_web as v

app_name = "tenant-sensors"

urlpatterns = [
    path("", v.sensors_page, name="list"),
    path("new/", v.sensor_new, name="new"),
    path("<int:pk>/", v.sensor_edit, name="edit"),
    path("<int:pk>/delete/", v.sensor_delete_view, name="delete"),
    path("<int:pk>/hep-key/", v.sensor_hep_key, name="hep-key"),
]
