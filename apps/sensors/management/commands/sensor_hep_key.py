from django.core.management.base import BaseCommand, CommandError

from apps.core.exceptions import AppError
from apps.sensors.selectors import sensor_get_for_command
from apps.sensors.services import sensor_hep_enable
from apps.tenants.selectors import tenant_get_by_slug


class Command(BaseCommand):
    help = "Give a sensor a HEP agent id and a new authentication key (printed once; only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True)
        parser.add_argument("--id", type=int, required=True, dest="id_sensor")
        parser.add_argument("--hep-id", type=int, required=True, dest="hep_id")
        parser.add_argument("--hep-key", dest="hep_key", help="the key to set (default: a generated one)")

    def handle(self, *args, tenant, id_sensor, hep_id, hep_key=None, **options):
        try:
            sensor = sensor_get_for_command(tenant=tenant_get_by_slug(slug=tenant), id_sensor=id_sensor)
            key = sensor_hep_enable(sensor=sensor, agent_id=hep_id, key=hep_key)
        except AppError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"HEP agent id: {sensor.hep_agent_id}\nHEP key: {key}")
