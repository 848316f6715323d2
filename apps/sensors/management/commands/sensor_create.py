from django.core.management.base import BaseCommand, CommandError

from apps.core.exceptions import AppError
from apps.sensors.services import sensor_create
from apps.tenants.selectors import tenant_get_by_slug


class Command(BaseCommand):
    help = "Create a sensor in a tenant."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True)
        parser.add_argument("--id", type=int, required=True, dest="id_sensor")
        parser.add_argument("--name", required=True)
        parser.add_argument("--timezone", default="UTC")

    def handle(self, *args, tenant, id_sensor, name, timezone, **options):
        try:
            sensor = sensor_create(
                tenant=tenant_get_by_slug(slug=tenant), id_sensor=id_sensor, name=name, timezone=timezone
            )
        except AppError as exc:
            raise CommandError(exc.message) from None
        except Exception as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"sensor {sensor.id_sensor} created in {tenant}"))
