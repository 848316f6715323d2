from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "apps.tenants"
    label = "tenants"

    def ready(self):
        from apps.core.api import hooks

        from .concurrency import api_slot_acquire

        hooks.api_slot_acquire.register(api_slot_acquire)
