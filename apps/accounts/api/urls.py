from django.urls import path

from apps.core.api.routers import AppRouter

from .views import TokenCreateView, UserEnrollmentCodeView

router = AppRouter()  # no viewsets: the two endpoints below are plain views

urlpatterns = [
    path("auth/token/", TokenCreateView.as_view(), name="token-create"),
    path("users/<str:pk>/enrollment-code/", UserEnrollmentCodeView.as_view(), name="user-enrollment-code"),
    *router.urls,
]
