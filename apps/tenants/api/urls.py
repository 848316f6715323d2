from apps.core.api.routers import AppRouter

from .views import TenantViewSet

router = AppRouter()
router.register("tenants", TenantViewSet, basename="tenant")

urlpatterns = router.urls
