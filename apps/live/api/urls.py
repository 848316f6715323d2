from apps.core.api.routers import AppRouter

from .views import ActiveCallViewSet

router = AppRouter()
router.register("active-calls", ActiveCallViewSet, basename="active-call")

urlpatterns = router.urls
