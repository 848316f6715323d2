from django.urls import path

from . import sqlphp, views

urlpatterns = [
    path("php/api.php", views.api_php, name="legacy-api"),
    path("api.php", views.api_php_wrong_path, name="legacy-api-wrong-path"),
    path("php/model/sql.php", sqlphp.sql_php, name="legacy-sql"),
]
