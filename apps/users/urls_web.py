from django.urls import path

from . import views_web as v

app_name = "tenant-admin"

urlpatterns = [
    path("", v.tenant_admin_index, name="index"),
    path("users/", v.users_page, name="users"),
    path("users/new/", v.user_new, name="user-new"),
    path("users/<int:pk>/", v.user_edit, name="user-edit"),
    path("groups/", v.groups_page, name="groups"),
    path("groups/new/", v.group_new, name="group-new"),
    path("groups/<int:pk>/", v.group_edit, name="group-edit"),
    path("groups/<int:pk>/delete/", v.group_delete_view, name="group-delete"),
]
