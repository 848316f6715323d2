from django.urls import path

from . import views_web

app_name = "tenant-branding"

urlpatterns = [path("", views_web.branding_page, name="edit")]
