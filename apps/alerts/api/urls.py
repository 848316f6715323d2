from apps.core.api.routers import AppRouter

from .views import AlertEventViewSet, AlertRuleViewSet

router = AppRouter()
router.register("alert-rules", AlertRuleViewSet, basename="alert-rule")
router.register("alert-events", AlertEventViewSet, basename="alert-event")

urlpatterns = router.urls
