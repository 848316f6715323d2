from django.urls import path

from apps.core.api.routers import AppRouter

from .views import TokenCreateView, UserViewSet

router = AppRouter()
router.register("users", UserViewSet, basename="user")

urlpatterns = [
    path("auth/token/", TokenCreateView.as_view(), name="token-create"),
    *router.urls,
]
