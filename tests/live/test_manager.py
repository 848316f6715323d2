"""External VoIPmonitor sniffers through their manager port. The real sniffer cannot run here, so these
tests talk to a small server written from the protocol description in ../shared/spec/sensors.md (one
command per connection, CRLF, reply until close, `aes-128-cbc:<base64>:sea` / `aes:` with a key,
`listcalls` as a JSON array whose element 0 names the fields, `pausecall 0x..` with an empty reply or
`Call id not found`, anything else `command not found`)."""

import base64
import json
import socket
import socketserver
import threading

import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from apps.live.models import ActiveCallCommand
from apps.sensors.services import sensor_create
from apps.users.services import user_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

FIELDS = [
    "callreference",
    "callid",
    "calldate",
    "duration",
    "connect_duration",
    "caller",
    "called",
    "callername",
    "callerdomain",
    "calleddomain",
    "calleragent",
    "calledagent",
    "callerip",
    "calledip",
    "lastSIPresponseNum",
    "callercodec",
    "calledcodec",
    "src_mosf1",
    "src_mosf2",
    "src_mosAD",
    "dst_mosf1",
    "dst_mosf2",
    "dst_mosAD",
    "src_jitter",
    "dst_jitter",
    "src_loss",
    "dst_loss",
    "src_received",
    "dst_received",
    "id_sensor",
    "vlan",
]
CALLS = [
    [
        "0x7f0e4c3c2680",
        "abc@pbx",
        "2024-03-05 10:00:00",
        65,
        60,
        "420601111",
        "420602222",
        "Alice",
        "pbx.example",
        "gw.example",
        "Yealink",
        "Asterisk",
        3232235777,
        3232235778,
        200,
        8,
        8,
        43,
        42,
        41,
        44,
        43,
        42,
        2,
        3,
        0.5,
        0.0,
        3000,
        3010,
        3,
        None,
    ],
    [
        "0x7f0e4c3c9990",
        "def@pbx",
        "2024-03-05 10:01:00",
        5,
        0,
        "1555",
        "1666",
        "",
        "pbx.example",
        "gw.example",
        "Yealink",
        "",
        167772161,
        167772162,
        180,
        0,
        0,
        45,
        45,
        45,
        45,
        45,
        45,
        0,
        0,
        0,
        0,
        10,
        0,
        3,
        7,
    ],
]


def _cipher(key, iv):
    return Cipher(algorithms.AES(key.encode()), modes.CBC(iv.encode()))


class SnifferManager(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, key=None, iv=None):
        super().__init__(("127.0.0.1", 0), SnifferHandler)
        self.key, self.iv, self.received, self.paused = key, iv, [], set()

    def decrypt(self, line):
        if not (line.startswith("aes-128-cbc:") and line.endswith(":sea")):
            return None
        dec = _cipher(self.key, self.iv).decryptor()
        raw = dec.update(base64.b64decode(line[len("aes-128-cbc:") : -len(":sea")])) + dec.finalize()
        unpad = padding.PKCS7(128).unpadder()
        return (unpad.update(raw) + unpad.finalize()).decode()

    def encrypt(self, text):
        pad = padding.PKCS7(128).padder()
        enc = _cipher(self.key, self.iv).encryptor()
        data = pad.update(text.encode()) + pad.finalize()
        return "aes:" + base64.b64encode(enc.update(data) + enc.finalize()).decode()


class SnifferHandler(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline().decode().rstrip("\r\n")
        server = self.server
        if server.key:
            line = server.decrypt(line)
            if line is None:
                return  # a sniffer with a key ignores clear text
        server.received.append(line)
        command, _, arg = line.partition(" ")
        refs = {c[0] for c in CALLS}
        if command == "listcalls":
            reply = json.dumps([FIELDS, *CALLS])
        elif command in ("pausecall", "unpausecall"):
            if not arg.startswith("0x"):
                reply = "Bad/missing Call id"
            elif arg not in refs:
                reply = "Call id not found"
            else:
                (server.paused.add if command == "pausecall" else server.paused.discard)(arg)
                reply = ""
        else:
            reply = "command not found"
        if reply and server.key:
            reply = server.encrypt(reply)
        self.wfile.write(reply.encode())


@pytest.fixture(params=[None, ("0123456789abcdef", "fedcba9876543210")], ids=["plain", "aes"])
def sniffer(request):
    key, iv = request.param or (None, None)
    server = SnifferManager(key, iv)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def external(tenant_a, sniffer):
    return sensor_create(
        tenant=tenant_a,
        id_sensor=3,
        name="sniffer",
        manager_host="127.0.0.1",
        manager_port=sniffer.server_address[1],
        manager_aes_key=sniffer.key or "",
        manager_aes_iv=sniffer.iv or "",
    )


def api(client, user, task, params):
    return client.get(
        "/php/api.php", {"task": task, "user": user.username, "password": PASSWORD, "params": json.dumps(params)}
    ).json()


def test_list_active_calls_reads_the_sniffers_listcalls(client, tenant_a, external, sniffer):
    user = user_create(username="noc", tenant=tenant_a, password=PASSWORD, flags={"can_activecalls": True})
    body = api(client, user, "listActiveCalls", {"sensorId": 3})
    assert body["success"] is True and body["total"] == 2
    first = body["rows"][0]
    assert first["callreference"] == "0x7f0e4c3c2680" and first["callid"] == "abc@pbx"
    assert first["callerip"] == 3232235777 and first["calledip"] == 3232235778  # integers, as the sniffer sends
    assert (first["src_mosf1"], first["dst_received"], first["callercodec"]) == (43, 3010, 8)
    # the sensor's wall time (its zone: UTC) shown in the user's zone (the tenant's: Prague, UTC+1)
    assert first["calldate"] == "2024-03-05 11:00:00" and first["calldate_num"] == 1709632800
    assert sniffer.received == ["listcalls"]


def test_restricted_and_foreign_users_see_only_theirs(client, tenant_a, tenant_b, external, sniffer):
    rita = user_create(
        username="rita2",
        tenant=tenant_a,
        password=PASSWORD,
        flags={"can_activecalls": True},
        restrict_numbers="420601%",
    )
    body = api(client, rita, "listActiveCalls", {})
    assert [r["callid"] for r in body["rows"]] == ["abc@pbx"]
    other = user_create(username="otto", tenant=tenant_b, password=PASSWORD, flags={"can_activecalls": True})
    assert api(client, other, "listActiveCalls", {})["total"] == 0
    assert (
        api(client, other, "handleActiveCall", {"sensorId": 3, "command": "pausecall", "callRef": "0x7f0e4c3c2680"})[
            "error"
        ]
        == "Call id not found"
    )
    assert "pausecall 0x7f0e4c3c2680" not in sniffer.received


def test_pause_and_unpause_go_through_the_manager_port_and_are_audited(client, tenant_a, external, sniffer):
    user = user_create(username="agent", tenant=tenant_a, password=PASSWORD, flags={"can_activecalls": True})
    params = {"sensorId": 3, "command": "pausecall", "callRef": "0x7f0e4c3c2680"}
    assert api(client, user, "handleActiveCall", params)["success"] is True
    assert sniffer.paused == {"0x7f0e4c3c2680"} and "pausecall 0x7f0e4c3c2680" in sniffer.received
    assert api(client, user, "handleActiveCall", {**params, "command": "unpausecall"})["success"] is True
    assert sniffer.paused == set()
    assert api(client, user, "handleActiveCall", {**params, "callRef": "0xdeadbeef"})["error"] == "Call id not found"
    assert api(client, user, "handleActiveCall", {**params, "command": "listen"})["success"] is False
    audit = list(ActiveCallCommand.objects.order_by("id").values_list("user__username", "command", "callid", "result"))
    assert audit == [("agent", "pausecall", "abc@pbx", "ok"), ("agent", "unpausecall", "abc@pbx", "ok")]


def test_an_unreachable_sniffer_is_a_clear_error(client, tenant_a):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    sensor_create(tenant=tenant_a, id_sensor=3, name="gone", manager_host="127.0.0.1", manager_port=port)
    user = user_create(username="noc", tenant=tenant_a, password=PASSWORD, flags={"can_activecalls": True})
    body = api(client, user, "listActiveCalls", {"sensorId": 3})
    assert body["success"] is False and "did not answer" in body["error"]
