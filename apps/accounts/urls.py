from django.urls import path

from . import views, views_2fa

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/<slug:tenant_slug>/", views.login_view, name="login-tenant"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile_view, name="profile"),
    path("profile/language/", views.language_view, name="language"),
    path("profile/tokens/", views.token_create_view, name="token-create"),
    path("profile/tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token-revoke"),
    path("2fa/", views_2fa.twofactor_verify_view, name="twofactor-verify"),
    path("2fa/setup/", views_2fa.twofactor_setup_view, name="twofactor-setup"),
    path("2fa/backup-codes/", views_2fa.backup_codes_view, name="backup-codes"),
    path("2fa/remove/", views_2fa.twofactor_remove_view, name="twofactor-remove"),
]
