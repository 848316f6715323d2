from django.urls import path

from . import views

urlpatterns = [
    path("php/api.php", views.api_php, name="legacy-api"),
    path("api.php", views.api_php_wrong_path, name="legacy-api-wrong-path"),
]
