from django.urls import path

from . import views_web

app_name = "tenant-capture"

urlpatterns = [path("", views_web.capture_settings_page, name="settings")]
