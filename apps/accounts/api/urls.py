from django.urls import path

from .views import TokenCreateView, UserEnrollmentCodeView

urlpatterns = [
    path("auth/token/", TokenCreateView.as_view(), name="token-create"),
    path("users/<str:pk>/enrollment-code/", UserEnrollmentCodeView.as_view(), name="user-enrollment-code"),
]
