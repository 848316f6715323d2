from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from apps.core.exceptions import AppError


class Command(BaseCommand):
    help = _("Evaluate every alert rule now (one round, the same code as the beat task).")

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help=_("only this tenant (its slug)"))

    def handle(self, *args, **options):
        from apps.alerts.evaluation import alerts_evaluate

        def progress(tenant, end):
            self.stdout.write(_("%(tenant)s: evaluated window ending %(end)s") % {"tenant": tenant.slug, "end": end})

        try:
            events = alerts_evaluate(slug=options.get("tenant"), progress=progress)
        except AppError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(_("%(count)s event(s).") % {"count": len(events)})
