from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "apps.reports"
    verbose_name = _("Reports")

    def ready(self):
        from django.db.models.signals import post_save

        from apps.cdr.services import cdr_write_hook_register
        from apps.tenants.models import Tenant

        from .services import summaries_apply

        cdr_write_hook_register(summaries_apply)
        # a tenant's zone may change through any save (REST settings, admin): its schedules' crontabs follow
        post_save.connect(tenant_saved, sender=Tenant, dispatch_uid="reports.tenant_saved")


def tenant_saved(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    from .services import schedules_rezone

    schedules_rezone(tenant=instance)
