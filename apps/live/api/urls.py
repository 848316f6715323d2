from rest_framework.routers import SimpleRouter

from .views import ActiveCallViewSet

router = SimpleRouter()
router.register("active-calls", ActiveCallViewSet, basename="active-call")

urlpatterns = router.urls
