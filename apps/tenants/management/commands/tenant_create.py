from django.core.management.base import BaseCommand, CommandError

from apps.core.exceptions import AppError
from apps.tenants.services import tenant_create


class Command(BaseCommand):
    help = "Create a tenant."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--timezone", default="UTC")

    def handle(self, *args, slug, name, timezone, **options):
        try:
            tenant = tenant_create(slug=slug, name=name, timezone=timezone)
        except AppError as exc:
            raise CommandError(exc.message) from None
        except Exception as exc:  # validation errors from full_clean
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"tenant {tenant.slug} created (id {tenant.pk})"))
