from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "apps.reports"
    verbose_name = _("Reports")

    def ready(self):
        from apps.cdr.services import cdr_write_hook_register

        from .services import summaries_apply

        cdr_write_hook_register(summaries_apply)
