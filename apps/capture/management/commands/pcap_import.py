from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from apps.capture.services import capture_import_file
from apps.core.exceptions import AppError
from apps.tenants.selectors import tenant_get_by_slug


class Command(BaseCommand):
    help = "Import pcap/pcapng files into a tenant's sensor, with a progress bar and a summary."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")
        parser.add_argument("--tenant", required=True)
        parser.add_argument("--sensor", type=int, required=True, help="sensor number (id_sensor)")

    def handle(self, *args, files, tenant, sensor, **options):
        try:
            target = tenant_get_by_slug(slug=tenant)
        except AppError as exc:
            raise CommandError(exc.message) from None
        totals = {"packets": 0, "calls": 0, "imported": 0, "duplicates": 0, "orphan_streams": 0, "errors": 0}
        failed = 0
        for path in files:
            with tqdm(total=100, unit="%", desc=path[-40:], disable=options["verbosity"] == 0) as bar:

                def progress(done, total, bar=bar):
                    bar.update(round(100 * done / total if total else 100) - bar.n)

                try:
                    summary = capture_import_file(tenant=target, id_sensor=sensor, path=path, progress=progress)
                except AppError as exc:
                    failed += 1
                    self.stderr.write(f"{path}: {exc.message}")
                    continue
            for key in totals:
                totals[key] += summary[key]
            note = " (truncated: imported what it holds)" if summary["truncated"] else ""
            self.stdout.write(
                f"{path}: {summary['imported']} calls imported, {summary['duplicates']} already "
                f"stored, {summary['orphan_streams']} orphan RTP streams{note}"
            )
        self.stdout.write(
            "total: {packets} packets, {calls} calls ({imported} new, {duplicates} already stored), "
            "{orphan_streams} orphan streams, {errors} packet errors".format(**totals)
            + (f", {failed} files refused" if failed else "")
        )
        if failed == len(files):
            raise CommandError("no file could be imported")
