from django.urls import path

from apps.core.api.routers import AppRouter

from .views import BrandingViewSet

router = AppRouter()  # the brand is one object per tenant: a plain route, nothing registered

urlpatterns = [
    path(
        "branding/",
        BrandingViewSet.as_view({"get": "retrieve", "put": "update", "patch": "update"}),
        name="branding-detail",
    ),
]
