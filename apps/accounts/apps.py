from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("Sign-in")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import ldapauth, schema  # noqa: F401  (the LDAP error signal; OpenAPI auth schemes)


class VoipmonAdminConfig(admin_apps.AdminConfig):
    """The Django admin, on a site that only verified platform superusers may enter (docs/auth.md)."""

    default = False
    default_site = "apps.accounts.admin_site.VoipmonAdminSite"
