from apps.core.api.routers import AppRouter

from .views import UserViewSet

router = AppRouter()
router.register("users", UserViewSet, basename="user")

urlpatterns = router.urls
