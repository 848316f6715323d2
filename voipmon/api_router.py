from django.urls import include, path
from rest_framework.routers import DefaultRouter

from apps.capture.api.views import CaptureUploadViewSet
from apps.cdr.api.views import CdrViewSet
from apps.media.api.views import ExportViewSet
from apps.sensors.api import SensorViewSet
from apps.tenants.api import TenantViewSet
from apps.users.api import TokenCreateView, UserViewSet

router = DefaultRouter()
router.register("calls", CdrViewSet, basename="cdr")
router.register("captures", CaptureUploadViewSet, basename="capture")
router.register("tenants", TenantViewSet, basename="tenant")
router.register("users", UserViewSet, basename="user")
router.register("sensors", SensorViewSet, basename="sensor")
router.register("exports", ExportViewSet, basename="export")

urlpatterns = [
    path("auth/token/", TokenCreateView.as_view(), name="token-create"),
    path("", include("apps.media.api.urls")),
    path("", include("apps.sharing.api.urls")),
    path("", include("apps.branding.api.urls")),
    *router.urls,
]
