from apps.core.api.routers import AppRouter

from .views import CdrViewSet

router = AppRouter()
router.register("calls", CdrViewSet, basename="cdr")

urlpatterns = router.urls
