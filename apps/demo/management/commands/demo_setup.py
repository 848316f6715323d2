"""The embedded demo: tenant `demo`, user `demo` / `demo` with every capability, and calls to look at.

Idempotent: `make run` calls it every time; it only adds what is missing.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.capture.services import capture_import_demo
from apps.cdr.services import cdr_seed
from apps.core.capabilities import GRANTING_FLAGS
from apps.core.exceptions import NotFound
from apps.sensors.services import sensor_ensure_default
from apps.tenants.selectors import tenant_get_by_slug
from apps.tenants.services import tenant_create
from apps.users.selectors import user_get_by_username
from apps.users.services import user_create


class Command(BaseCommand):
    help = "Create the demo tenant and user and load demo calls (seeded, and the public captures)."

    def add_arguments(self, parser):
        parser.add_argument("--calls", type=int, default=5000, help="seeded calls when the tenant is new")

    def handle(self, *args, calls, **options):
        try:
            tenant, created = tenant_get_by_slug(slug="demo"), False
        except NotFound:
            tenant, created = tenant_create(slug="demo", name="Demo tenant", timezone="Europe/Prague"), True
            sensor_ensure_default(tenant=tenant)
        if user_get_by_username(username="demo") is None:
            user_create(
                username="demo",
                tenant=tenant,
                password="demo",
                is_admin=True,
                flags=dict.fromkeys(GRANTING_FLAGS, True),
            )
            self.stdout.write("user demo / demo created (tenant administrator, every capability)")
        # The real captures first, so the tour's low call ids are calls with pcaps and audio.
        self.import_captures(tenant)
        if created:
            cdr_seed(tenant=tenant, count=calls, days=14, seed=42)
            self.stdout.write(f"demo tenant created with {calls} seeded calls")

    def import_captures(self, tenant):
        """Import the public captures (idempotent: a second run adds nothing)."""
        folder = Path(settings.VOIPMON_DEMO_CAPTURES_DIR)
        if folder.is_dir():
            summary = capture_import_demo(tenant=tenant, folder=folder)
            self.stdout.write(f"public captures imported: {summary}")
        else:
            self.stdout.write(f"no public captures at {folder} (set VOIPMON_DEMO_CAPTURES_DIR)")
