"""Live capture fixtures: a real HEP listener on 127.0.0.1 (its own thread, its own database
connection), HEP-enabled sensors, and senders over UDP and TCP."""

import socket
import threading
import time

import pytest

from apps.live.listener import HepServer
from apps.sensors.models import Sensor
from apps.sensors.services import sensor_hep_enable


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def hep_enable(tenant, id_sensor, agent_id, key=None):
    sensor = Sensor.objects.get(tenant=tenant, id_sensor=id_sensor)
    return agent_id, sensor_hep_enable(sensor=sensor, agent_id=agent_id, key=key)


@pytest.fixture
def hep_a(transactional_db, tenant_a):
    """Tenant A's sensor 2 receives HEP as agent 2001; returns (agent id, key)."""
    return hep_enable(tenant_a, 2, 2001)


@pytest.fixture
def hep_b(transactional_db, tenant_b):
    return hep_enable(tenant_b, 1, 3001)


class Running:
    def __init__(self, server, thread):
        self.server, self.thread = server, thread

    @property
    def port(self):
        return self.server.port

    def stop(self):
        if self.thread.is_alive():
            self.server.stop()
            self.thread.join(60)
            self.server.cleanup()


@pytest.fixture
def hep_server(transactional_db):
    """Start a listener (UDP and TCP on one free port); ``start()`` returns it, stopped at teardown."""
    started = []

    def start(**kwargs):
        server = HepServer(address="127.0.0.1", port=0, **kwargs)
        ready = threading.Event()
        thread = threading.Thread(target=server.serve, kwargs={"ready": ready}, daemon=True)
        thread.start()
        assert ready.wait(30)
        running = Running(server, thread)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


def send_udp(port, packets, pace=200):
    """Send datagrams, pausing a moment every ``pace`` packets (a test, not the benchmark)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for i, data in enumerate(packets, 1):
            sock.sendto(data, ("127.0.0.1", port))
            if pace and i % pace == 0:
                time.sleep(0.002)


def send_tcp(port, packets):
    with socket.create_connection(("127.0.0.1", port)) as sock:
        for data in packets:
            sock.sendall(data)


def wait_for(predicate, timeout=30.0, step=0.05):
    """Poll until ``predicate`` is true. A read that SQLite's shared in-memory test database refuses
    while the listener's thread writes ("table is locked") is polled again."""
    from django.db import OperationalError

    end = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except OperationalError:
            value = None
        if value or time.monotonic() >= end:
            return value
        time.sleep(step)


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory):
    """Build a synthetic capture with the shared generator (small call counts for tests)."""
    import subprocess
    import sys

    from tests.capture.reference import CAPTURES

    folder = tmp_path_factory.mktemp("synthetic")

    def make(*, calls, seconds, loss, jitter, seed):
        path = folder / f"syn_{calls}_{seconds}_{loss}_{jitter}_{seed}.pcap"
        if not path.exists():
            subprocess.run(
                [
                    sys.executable,
                    str(CAPTURES / "synthetic" / "gen_capture.py"),
                    str(path),
                    "--calls",
                    str(calls),
                    "--seconds",
                    str(seconds),
                    "--loss",
                    str(loss),
                    "--jitter-ms",
                    str(jitter),
                    "--seed",
                    str(seed),
                ],
                check=True,
                capture_output=True,
            )
        return path

    return make
