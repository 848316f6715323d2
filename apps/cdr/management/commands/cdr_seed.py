from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from apps.cdr.services import cdr_seed
from apps.core.exceptions import AppError
from apps.tenants.selectors import tenant_get_by_slug


class Command(BaseCommand):
    help = "Bulk-generate realistic calls for a tenant over the last days (PostgreSQL COPY when available)."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True)
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--seed", type=int, default=None, help="random seed, for repeatable data")

    def handle(self, *args, tenant, count, days, seed, **options):
        if count < 1 or days < 1:
            raise CommandError("--count and --days must be positive")
        try:
            target = tenant_get_by_slug(slug=tenant)
        except AppError as exc:
            raise CommandError(exc.message) from None
        with tqdm(total=count, unit="call", disable=options["verbosity"] == 0) as bar:
            done = cdr_seed(
                tenant=target, count=count, days=days, seed=seed, progress=lambda n, total: bar.update(n - bar.n)
            )
        self.stdout.write(self.style.SUCCESS(f"{done} calls seeded into {tenant}"))
