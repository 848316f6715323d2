import signal

from django.core.management.base import BaseCommand, CommandError

from apps.live.listener import HepServer


class Command(BaseCommand):
    help = "Receive HEP v3 (UDP and TCP) from Kamailio, OpenSIPS, FreeSWITCH, Asterisk, sngrep or heplify: live calls."

    def add_arguments(self, parser):
        parser.add_argument("--address", default="0.0.0.0")
        parser.add_argument("--port", type=int, default=9060)
        parser.add_argument("--no-tcp", action="store_true", help="UDP only")
        parser.add_argument("--no-udp", action="store_true", help="TCP only")

    def handle(self, *args, address, port, no_tcp, no_udp, **options):
        if no_tcp and no_udp:
            raise CommandError("--no-tcp and --no-udp leave nothing to listen on")
        try:
            server = HepServer(address=address, port=port, udp=not no_udp, tcp=not no_tcp)
        except OSError as exc:
            raise CommandError(f"cannot listen on {address}:{port}: {exc}") from None
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: server.stop())
        self.stdout.write(
            f"HEP v3 listener on {address}:{server.port} ({'TCP' if no_udp else 'UDP'}"
            f"{'' if no_tcp or no_udp else ' and TCP'}); Ctrl-C stores the calls in progress and stops"
        )
        self.stdout.flush()
        try:
            server.serve()
        finally:
            server.cleanup()
        self.stdout.write(f"stopped: {server.packets} packets, {server.stored} calls stored")
        latency = sorted(server.store_latency)
        if latency:
            p50, p95 = latency[len(latency) // 2], latency[min(len(latency) - 1, int(len(latency) * 0.95))]
            self.stdout.write(
                f"close to commit: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
                f"max {latency[-1] * 1000:.0f} ms over {len(latency)} calls"
            )
