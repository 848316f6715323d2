from django.urls import path

from .views import BrandingViewSet

urlpatterns = [
    path(
        "branding/",
        BrandingViewSet.as_view({"get": "retrieve", "put": "update", "patch": "update"}),
        name="branding-detail",
    ),
]
