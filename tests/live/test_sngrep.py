"""Packets we did not encode: Debian's sngrep replays a capture and sends its SIP with its own HEP v3
sender (`-H udp:...`, agent id and password from its config file). sngrep mirrors SIP only (no RTP),
so the SIP columns of each stored call are compared with pcap_import of the same file."""

import shutil
import subprocess

import pytest

from apps.capture.services import capture_import_file
from apps.cdr.models import Cdr
from apps.live.models import HepListenerStatus
from apps.sensors.models import Sensor
from tests.capture.reference import capture_path

from .conftest import hep_enable, wait_for

SIP_COLUMNS = (
    "callid",
    "calldate",
    "caller",
    "called",
    "caller_domain",
    "called_domain",
    "callername",
    "sipcallerip",
    "sipcalledip",
    "sipcallerport",
    "sipcalledport",
    "lastSIPresponseNum",
    "lastSIPresponse",
    "bye",
    "whohanged",
    "a_ua",
    "b_ua",
    "response_time_100",
    "response_time_xxx",
    "progress_time",
    "max_retransmission_invite",
    "reason_sip_cause",
    "reason_q850_cause",
)


def sngrep_send(tmp_path, capture, port, agent, password):
    config = tmp_path / "sngreprc"
    config.write_text(f"set eep.send.id {agent}\nset eep.send.pass {password}\n")
    subprocess.run(
        [shutil.which("sngrep"), "-I", str(capture), "-H", f"udp:127.0.0.1:{port}", "-N", "-q", "-f", str(config)],
        check=True,
        capture_output=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("name", ["sip_failed_calls_register_auth", "sip_g711u_call_both_ways_loss_bye"])
def test_sngrep_hep_gives_the_sip_columns_of_the_import(tmp_path, tenant_a, hep_server, name):
    assert shutil.which("sngrep"), "sngrep (Debian package) is installed by .ci/run"
    _agent, key = hep_enable(tenant_a, 2, 2002, key="sngrep-secret-1")
    path = capture_path(name)
    capture_import_file(tenant=tenant_a, id_sensor=1, path=path)
    expected = {c.callid: c for c in Cdr.objects.filter(tenant=tenant_a, id_sensor=1)}
    server = hep_server()
    sngrep_send(tmp_path, path, server.port, 2002, key)
    sensor = Sensor.objects.get(tenant=tenant_a, id_sensor=2)
    assert wait_for(
        lambda: (
            server.server.packets > 0
            and server.server.counters.get(sensor.pk) is None
            and Sensor.objects.get(pk=sensor.pk).hep_packets > 0
        ),
        30,
    )
    server.stop()
    got = {c.callid: c for c in Cdr.objects.filter(tenant=tenant_a, id_sensor=2)}
    assert set(got) == set(expected)
    for callid, cdr in got.items():
        assert {c: getattr(cdr, c) for c in SIP_COLUMNS} == {c: getattr(expected[callid], c) for c in SIP_COLUMNS}
        assert cdr.a_received is None  # sngrep sent no RTP; nothing is invented
    sensor.refresh_from_db()
    assert sensor.hep_drops == {} and sensor.hep_packets == server.server.packets


def test_sngrep_with_a_wrong_password_stores_nothing(tmp_path, tenant_a, hep_server):
    hep_enable(tenant_a, 2, 2002, key="sngrep-secret-1")
    server = hep_server()
    sngrep_send(tmp_path, capture_path("sip_rtp_g729a"), server.port, 2002, "not-the-key")
    assert wait_for(lambda: server.server.packets > 0)
    server.stop()
    sensor = Sensor.objects.get(tenant=tenant_a, id_sensor=2)
    assert Cdr.objects.count() == 0 and sensor.hep_packets == 0
    assert sensor.hep_drops == {"auth": server.server.packets} and HepListenerStatus.objects.get().drops == {}
