"""social-auth's two URLs under the `social` namespace it expects; the callback goes through our wrapper."""

from django.urls import path
from social_django import views as social_views

from . import views

app_name = "social"

urlpatterns = [
    path("login/<str:backend>/", social_views.auth, name="begin"),
    path("complete/<str:backend>/", views.sso_complete, name="complete"),
]
