from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _hosts_changed(sender, **kwargs):
    from django.core.cache import cache

    cache.delete("branding:hosts")


class BrandingConfig(AppConfig):
    name = "apps.branding"
    label = "branding"

    def ready(self):
        from apps.core.mail import brand_resolver_register
        from apps.tenants.models import TenantHost

        from .selectors import mail_brand_for

        brand_resolver_register(mail_brand_for)
        # a tenant's API host names its brand too: the cached host table is dropped when one changes
        post_save.connect(_hosts_changed, sender=TenantHost, dispatch_uid="branding-hosts-save")
        post_delete.connect(_hosts_changed, sender=TenantHost, dispatch_uid="branding-hosts-delete")
