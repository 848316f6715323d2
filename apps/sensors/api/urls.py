from apps.core.api.routers import AppRouter

from .views import SensorViewSet

router = AppRouter()
router.register("sensors", SensorViewSet, basename="sensor")

urlpatterns = router.urls
