import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from apps.core.exceptions import AppError
from apps.reports.services import summaries_rebuild
from apps.tenants.selectors import tenant_get_by_slug


def day(value):
    try:
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), tzinfo=dt.UTC)
    except ValueError:
        raise CommandError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}) from None


class Command(BaseCommand):
    help = _("Rebuild a tenant's call summaries from its calls (UTC days; --to is inclusive).")

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True)
        parser.add_argument("--from", dest="start", type=day)
        parser.add_argument("--to", dest="end", type=day)

    def handle(self, *args, tenant, start, end, **options):
        try:
            target = tenant_get_by_slug(slug=tenant)
        except AppError as exc:
            raise CommandError(exc.message) from None
        if start and end and end < start:
            raise CommandError(_("--from must not be after --to."))
        end = end + dt.timedelta(days=1) if end else None
        with tqdm(unit="day", disable=options["verbosity"] == 0) as bar:

            def progress(done, total):
                bar.total = total
                bar.update(done - bar.n)

            days = summaries_rebuild(tenant=target, start=start, end=end, progress=progress)
        self.stdout.write(_("Rebuilt %(days)s days of summaries for %(slug)s.") % {"days": days, "slug": tenant})
