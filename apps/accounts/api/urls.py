from django.urls import path, re_path

from apps.core.api.routers import AppRouter

from .views import TokenCreateView, UserEnrollmentCodeView

router = AppRouter()  # no viewsets: the two endpoints below are plain views

urlpatterns = [
    path("auth/token/", TokenCreateView.as_view(), name="token-create"),
    # an id of any sign reaches the view (a JSON 404), as the schema's integer allows
    re_path(
        r"^users/(?P<pk>-?[0-9]+)/enrollment-code/$", UserEnrollmentCodeView.as_view(), name="user-enrollment-code"
    ),
    *router.urls,
]
