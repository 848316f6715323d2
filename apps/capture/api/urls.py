from apps.core.api.routers import AppRouter

from .views import CaptureUploadViewSet

router = AppRouter()
router.register("captures", CaptureUploadViewSet, basename="capture")

urlpatterns = router.urls
