from django.apps import AppConfig


class BrandingConfig(AppConfig):
    name = "apps.branding"
    label = "branding"

    def ready(self):
        from apps.core.mail import brand_resolver_register

        from .selectors import mail_brand_for

        brand_resolver_register(mail_brand_for)
