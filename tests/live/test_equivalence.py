"""One engine for files and live traffic: a capture replayed as HEP (over UDP, and over TCP) gives the
same call records, column for column, as ``pcap_import`` of the same file.

The oracle is the file import (itself checked against the real sniffer's rows in tests/capture).
The only column HEP cannot carry is ``dscp`` (HEP has no TOS chunk); it is compared as "not
invented": the value of a TOS of 0 (0 or NULL) on the live side.
"""

import pytest

from apps.capture.services import capture_import_file
from apps.cdr.models import Cdr, CdrDtmf, CdrRtp
from apps.live.replay import capture_hep_packets
from tests.capture.reference import CAPTURES, capture_names, capture_path

from .conftest import send_tcp, send_udp, wait_for

SKIP = {"id", "id_sensor", "pcap_sip", "pcap_full", "created_at", "dscp"}


def rows(tenant, id_sensor):
    out = {}
    for cdr in Cdr.objects.filter(tenant=tenant, id_sensor=id_sensor):
        values = {f.attname: getattr(cdr, f.attname) for f in Cdr._meta.concrete_fields if f.attname not in SKIP}
        streams = sorted(
            tuple(sorted((k, v) for k, v in s.items() if k not in ("id", "cdr_id")))
            for s in CdrRtp.objects.filter(cdr=cdr).values()
        )
        dtmf = sorted(
            tuple(sorted((k, v) for k, v in d.items() if k not in ("id", "cdr_id")))
            for d in CdrDtmf.objects.filter(cdr=cdr).values()
        )
        out[(cdr.callid, cdr.calldate)] = (values, streams, dtmf, cdr.dscp)
    return out


def assert_same_calls(tenant_a, expected_count=None):
    imported, live = rows(tenant_a, 1), rows(tenant_a, 2)
    assert set(live) == set(imported)
    if expected_count is not None:
        assert len(live) == expected_count
    for key, (values, streams, dtmf, _dscp) in imported.items():
        got_values, got_streams, got_dtmf, got_dscp = live[key]
        diff = {k: (v, got_values[k]) for k, v in values.items() if got_values[k] != v}
        assert diff == {}, key
        assert got_streams == streams, key
        assert got_dtmf == dtmf, key
        assert got_dscp in (None, 0)  # HEP carries no TOS byte: the frame is rebuilt with TOS 0


def replay(server, path, agent, key, transport):
    packets = list(capture_hep_packets(str(path), agent_id=agent, auth_key=key.encode()))
    if transport == "udp":
        send_udp(server.port, packets)
    else:
        send_tcp(server.port, packets)
    assert wait_for(lambda: server.server.packets >= len(packets), 60)
    return packets


@pytest.mark.parametrize("name", capture_names())
def test_public_capture_as_hep_equals_its_import(tenant_a, hep_a, hep_server, name):
    path = capture_path(name)
    capture_import_file(tenant=tenant_a, id_sensor=1, path=path)
    server = hep_server()
    replay(server, path, *hep_a, "udp")
    server.stop()  # the listener stores the calls still open at shutdown, as the sniffer does
    assert_same_calls(tenant_a)


@pytest.mark.parametrize("seed,loss,jitter", [(2, 0.01, 3), (3, 0.03, 8), (4, 0.06, 20)])
def test_synthetic_capture_as_hep_over_tcp_equals_its_import(
    tenant_a, hep_a, hep_server, synthetic, seed, loss, jitter
):
    path = synthetic(calls=4, seconds=6, loss=loss, jitter=jitter, seed=seed)
    capture_import_file(tenant=tenant_a, id_sensor=1, path=path)
    server = hep_server()
    replay(server, path, *hep_a, "tcp")
    # every synthetic call ends with BYE and 200: they are stored while the listener runs
    assert wait_for(lambda: Cdr.objects.filter(tenant=tenant_a, id_sensor=2).count() == 4, 60)
    server.stop()
    assert_same_calls(tenant_a, expected_count=4)


def test_captures_are_present():
    assert CAPTURES.is_dir() and capture_names()
