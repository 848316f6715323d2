from django.urls import path

from . import views

urlpatterns = [
    path("uploads/", views.uploads_page, name="uploads"),
    path("uploads/<int:pk>/", views.upload_status, name="upload-status"),
]
