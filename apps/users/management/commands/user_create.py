from django.core.management.base import BaseCommand, CommandError

from apps.core.exceptions import AppError
from apps.tenants.selectors import tenant_get_by_slug
from apps.users.services import flags_parse, user_create


class Command(BaseCommand):
    help = "Create a user in a tenant."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--tenant", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--admin", action="store_true")
        parser.add_argument("--flags", default="", help="comma-separated capability flags, e.g. can_cdr,can_pcap")
        parser.add_argument("--sensors", default="", help="comma-separated sensor numbers (empty: all)")

    def handle(self, *args, username, tenant, password, admin, flags, sensors, **options):
        try:
            sensor_ids = [int(s) for s in sensors.split(",") if s.strip()]
        except ValueError:
            raise CommandError("--sensors takes sensor numbers, e.g. 1,2") from None
        try:
            user = user_create(
                username=username,
                tenant=tenant_get_by_slug(slug=tenant),
                password=password,
                is_admin=admin,
                flags=flags_parse(flags),
                sensors=sensor_ids,
            )
        except AppError as exc:
            raise CommandError(exc.message) from None
        except Exception as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"user {user.username} created in {tenant}"))
