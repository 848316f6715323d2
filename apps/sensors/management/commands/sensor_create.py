from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.core.exceptions import AppError
from apps.sensors.services import sensor_create, sensor_hep_enable
from apps.tenants.selectors import tenant_get_by_slug


class Command(BaseCommand):
    help = "Create a sensor in a tenant."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True)
        parser.add_argument("--id", type=int, required=True, dest="id_sensor")
        parser.add_argument("--name", required=True)
        parser.add_argument("--timezone", default="UTC")
        parser.add_argument("--hep-id", type=int, dest="hep_id", help="HEP v3 capture agent id (live capture)")
        parser.add_argument("--hep-key", dest="hep_key", help="HEP authentication key (default: a generated one)")

    @transaction.atomic
    def handle(self, *args, tenant, id_sensor, name, timezone, hep_id=None, hep_key=None, **options):
        key = None
        try:
            sensor = sensor_create(
                tenant=tenant_get_by_slug(slug=tenant), id_sensor=id_sensor, name=name, timezone=timezone
            )
            if hep_id is not None:
                key = sensor_hep_enable(sensor=sensor, agent_id=hep_id, key=hep_key)
            elif hep_key:
                raise CommandError("--hep-key needs --hep-id")
        except AppError as exc:
            raise CommandError(exc.message) from None
        except Exception as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"sensor {sensor.id_sensor} created in {tenant}"))
        if key is not None:
            # shown once: only its hash is stored
            self.stdout.write(f"HEP agent id: {sensor.hep_agent_id}\nHEP key: {key}")
