from apps.core.api.routers import AppRouter

from .views import ShareLinkViewSet

router = AppRouter()
router.register("shares", ShareLinkViewSet, basename="share")
urlpatterns = router.urls
