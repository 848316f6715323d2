from django.urls import path

from apps.core.api.routers import AppRouter

from .views import ShareLinkViewSet, SharePolicyViewSet

router = AppRouter()
router.register("shares", ShareLinkViewSet, basename="share")
urlpatterns = router.urls + [
    path(
        "share-policy/",
        SharePolicyViewSet.as_view({"get": "retrieve", "put": "update", "patch": "update"}),
        name="share-policy-detail",
    ),
]
