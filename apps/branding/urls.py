from django.urls import path

from .views import brand_image_view

urlpatterns = [
    path("branding/<int:tenant_id>/<str:which>", brand_image_view, name="brand-image"),
]
