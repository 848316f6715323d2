"""The HEP listener end to end on 127.0.0.1: who may send, what is counted, what calls appear while
they happen and what is stored, for two tenants at once."""

import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from apps.accounts.services import apitoken_issue
from apps.cdr.models import Cdr, CdrRtp
from apps.live import hep
from apps.live.models import ActiveCall, HepListenerStatus
from apps.live.replay import capture_hep_packets
from apps.sensors.models import Sensor
from apps.users.services import user_create
from tests.conftest import PASSWORD

from .conftest import send_tcp, send_udp, wait_for


@pytest.fixture
def one_call(synthetic):
    return synthetic(calls=1, seconds=4, loss=0.0, jitter=0, seed=1)


def hep_of(path, agent, key):
    return list(capture_hep_packets(str(path), agent_id=agent, auth_key=key.encode() if isinstance(key, str) else key))


def legacy(client, user, task, params):
    import json

    query = {"task": task, "user": user.username, "password": PASSWORD, "params": json.dumps(params)}
    return client.get("/php/api.php", query).json()


def test_wrong_key_or_unknown_agent_stores_nothing_and_is_counted(tenant_a, hep_a, hep_server, one_call):
    agent, key = hep_a
    server = hep_server()
    wrong_key = hep_of(one_call, agent, key + "x")
    no_key = hep_of(one_call, agent, b"")
    unknown = hep_of(one_call, 4242, key)
    garbage = [b"HEP3\x00\x05", b"not hep at all", b"HEP3\x00\x20" + b"\x00" * 26]
    send_udp(server.port, wrong_key + no_key + unknown + garbage)
    total = len(wrong_key) + len(no_key) + len(unknown) + len(garbage)
    assert wait_for(lambda: server.server.packets >= total)
    server.stop()
    assert Cdr.objects.count() == 0 and ActiveCall.objects.count() == 0
    sensor = Sensor.objects.get(tenant=tenant_a, id_sensor=2)
    assert sensor.hep_packets == 0 and sensor.hep_drops == {"auth": len(wrong_key) + len(no_key)}
    status = HepListenerStatus.objects.get()
    assert status.drops == {"unknown_agent": len(unknown), "malformed": len(garbage)}
    assert status.packets == total


def test_counters_show_in_the_rest_sensor_resource(tenant_a, hep_a, hep_server, one_call):
    server = hep_server()
    packets = hep_of(one_call, *hep_a)
    send_udp(server.port, packets)
    assert wait_for(lambda: Cdr.objects.filter(id_sensor=2).count() == 1)
    server.stop()
    admin = user_create(username="ops", tenant=tenant_a, password=PASSWORD, is_admin=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {apitoken_issue(user=admin)}")
    pk = Sensor.objects.get(tenant=tenant_a, id_sensor=2).pk
    body = client.get(f"/api/v1/sensors/{pk}/").json()
    assert body["hep_agent_id"] == hep_a[0]
    assert body["hep_packets"] == len(packets) and body["hep_bytes"] == sum(len(p) for p in packets)
    assert body["hep_drops"] == {} and body["hep_last_packet_at"]
    assert "hep_key_hash" not in body and hep_a[1] not in str(body)


def test_a_call_is_listed_while_it_happens_then_stored(client, tenant_a, hep_a, hep_server, synthetic):
    one_call = synthetic(calls=1, seconds=12, loss=0.0, jitter=0, seed=1)  # past the first 10-s MOS interval
    user = user_create(
        username="noc", tenant=tenant_a, password=PASSWORD, flags={"can_activecalls": True, "can_cdr": True}
    )
    packets = hep_of(one_call, *hep_a)
    bye = next(i for i, p in enumerate(packets) if b"BYE sip:" in p)
    server = hep_server()
    send_tcp(server.port, packets[:bye])
    body = wait_for(
        lambda: (lambda b: b if b.get("total") == 1 and b["rows"][0]["src_received"] else None)(
            legacy(client, user, "listActiveCalls", {"sensorId": 2})
        )
    )
    assert body and body["success"] is True, body
    row = body["rows"][0]
    assert row["state"] == "connected" and row["recording_paused"] is False
    assert row["callreference"].startswith("0x") and row["id_sensor"] == 2
    assert isinstance(row["callerip"], int) and row["lastSIPresponseNum"] == 200
    assert row["callercodec"] == 0 and row["src_mosf1"] is not None
    assert legacy(client, user, "listActiveCalls", {"sensorId": 1})["total"] == 0
    assert Cdr.objects.count() == 0
    send_tcp(server.port, packets[bye:])
    assert wait_for(lambda: Cdr.objects.filter(tenant=tenant_a, id_sensor=2).count() == 1)
    assert wait_for(lambda: legacy(client, user, "listActiveCalls", {})["total"] == 0)
    calls = legacy(client, user, "getVoipCalls", {"startTime": "2000-01-01"})["cdr"]
    assert [c["callid"] for c in calls] == [row["callid"]]


def test_two_tenants_at_once_never_see_each_others_calls(
    client, tenant_a, tenant_b, hep_a, hep_b, hep_server, synthetic
):
    path = synthetic(calls=3, seconds=4, loss=0.01, jitter=3, seed=7)
    server = hep_server()
    flows = [hep_of(path, *hep_a), hep_of(path, *hep_b)]
    senders = [threading.Thread(target=send_tcp, args=(server.port, packets)) for packets in flows]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    ua = user_create(username="ua", tenant=tenant_a, password=PASSWORD, flags={"can_activecalls": True})
    ub = user_create(username="ub", tenant=tenant_b, password=PASSWORD, flags={"can_activecalls": True})
    # while the last calls linger: each tenant lists only its own (same Call-IDs on both sides)
    a_rows = legacy(client, ua, "listActiveCalls", {})["rows"]
    b_rows = legacy(client, ub, "listActiveCalls", {})["rows"]
    assert {r["callreference"] for r in a_rows}.isdisjoint({r["callreference"] for r in b_rows})
    assert all(r["id_sensor"] == 2 for r in a_rows) and all(r["id_sensor"] == 1 for r in b_rows)
    assert wait_for(lambda: Cdr.objects.count() == 6, 60)
    server.stop()
    a_calls = Cdr.objects.filter(tenant=tenant_a)
    b_calls = Cdr.objects.filter(tenant=tenant_b)
    assert a_calls.count() == b_calls.count() == 3
    assert set(a_calls.values_list("id_sensor", flat=True)) == {2}
    assert sorted(a_calls.values_list("callid", "a_received")) == sorted(b_calls.values_list("callid", "a_received"))
    assert not CdrRtp.objects.filter(cdr__tenant=tenant_a).exclude(tenant=tenant_a).exists()


@pytest.fixture
def fuzz_server(hep_a, hep_server):
    return hep_server()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_fuzzed_hep_never_stops_the_listener_nor_half_stores_a_call(tenant_a, hep_a, fuzz_server, one_call, data):
    agent, key = hep_a
    valid = hep_of(one_call, agent, key)
    picks = data.draw(st.lists(st.integers(0, len(valid) - 1), min_size=1, max_size=12))
    mutated = []
    for i in picks:
        raw = bytearray(valid[i])
        for pos, value in data.draw(st.lists(st.tuples(st.integers(0, len(raw) - 1), st.integers(0, 255)), max_size=4)):
            raw[pos] = value
        mutated.append(bytes(raw[: data.draw(st.integers(1, len(raw)))]))
    before = fuzz_server.server.packets
    send_udp(fuzz_server.port, mutated)
    assert wait_for(lambda: fuzz_server.server.packets >= before + len(mutated), 10)
    assert fuzz_server.thread.is_alive()


def test_after_fuzzing_a_valid_call_is_still_stored_whole(tenant_a, hep_a, hep_server, one_call):
    from django.core.files.storage import default_storage

    server = hep_server()
    valid = hep_of(one_call, *hep_a)
    junk = [v[:-3] for v in valid[:50]] + [hep.MAGIC + b"\xff\xff" + b"\x00" * 50]
    send_udp(server.port, junk + valid)
    assert wait_for(lambda: Cdr.objects.filter(id_sensor=2).count() >= 1, 30)
    server.stop()
    for cdr in Cdr.objects.all():
        assert default_storage.exists(cdr.pcap_sip) and default_storage.exists(cdr.pcap_full)
    call = Cdr.objects.get(id_sensor=2)
    assert call.lastSIPresponseNum == 200 and call.bye == 3 and call.a_received > 100
    assert server.server.drops == {"malformed": len(junk)}
