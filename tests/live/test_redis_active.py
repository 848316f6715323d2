"""Active calls through Redis (``VOIPMON_LIVE_REDIS_URL``) on the real Redis of the test run: the
listener's per-second figures are readable by another process (as every web worker reads them), the
API serves them from there, and they are gone when the listener stops.

Oracle: tshark's view of the capture (SIP headers, RTP packets per direction before the BYE)."""

import json
import subprocess
import sys

import pytest
import redis

from apps.core.actor import system_actor
from apps.live.livestore import PREFIX
from apps.live.replay import capture_hep_packets
from apps.live.selectors import active_call_list
from apps.users.services import user_create
from tests.celery_worker import redis_available
from tests.conftest import PASSWORD

from .conftest import send_tcp, wait_for

READER = """
import json, sys, redis
client = redis.Redis.from_url(sys.argv[1])
key = sys.argv[2]
rows = {k.decode(): json.loads(v) for k, v in client.hgetall(key).items()}
print(json.dumps({"ttl": client.ttl(key), "rows": rows}))
"""


@pytest.fixture
def live_redis(settings):
    url = settings.VOIPMON_TEST_REDIS_URL
    if not redis_available(url):
        pytest.skip(f"no Redis at {url}")
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{PREFIX}:*"):
        client.delete(key)
    settings.VOIPMON_LIVE_REDIS_URL = url
    return url


def other_process(url, key):
    """What a second process (a web worker elsewhere) reads from Redis, with nothing of ours loaded."""
    out = subprocess.run([sys.executable, "-c", READER, url, key], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def tshark(path, *args):
    out = subprocess.run(["tshark", "-r", str(path), *args], check=True, capture_output=True, text=True)
    return [line.split("\t") for line in out.stdout.splitlines() if line]


def test_active_calls_live_in_redis_readable_by_another_process(
    client, tenant_a, hep_a, hep_server, synthetic, live_redis
):
    path = synthetic(calls=1, seconds=12, loss=0.0, jitter=0, seed=3)
    (bye_at,) = [float(t) for (t,) in tshark(path, "-Y", "sip.Method == BYE", "-T", "fields", "-e", "frame.time_epoch")]
    ((callid, caller, called),) = tshark(
        path,
        "-Y",
        "sip.Method == INVITE",
        "-T",
        "fields",
        "-e",
        "sip.Call-ID",
        "-e",
        "sip.from.user",
        "-e",
        "sip.to.user",
    )[:1]
    per_direction = {}
    for t, src, sport in tshark(
        path, "-o", "rtp.heuristic_rtp:TRUE", "-Y", "rtp", "-T", "fields", "-e", "frame.time_epoch", "-e", "ip.src",
        "-e", "udp.srcport",
    ):  # fmt: skip
        if float(t) < bye_at:
            per_direction[(src, sport)] = per_direction.get((src, sport), 0) + 1
    agent, key = hep_a
    packets = list(capture_hep_packets(str(path), agent_id=agent, auth_key=key.encode()))
    bye = next(i for i, p in enumerate(packets) if b"BYE sip:" in p)
    server = hep_server()
    send_tcp(server.port, packets[:bye])
    redis_key = f"{PREFIX}:{tenant_a.pk}:2"

    def settled():
        seen = other_process(live_redis, redis_key)
        rows = list(seen["rows"].values())
        got = rows and sorted((rows[0]["src_received"] or 0, rows[0]["dst_received"] or 0))
        return seen if got == sorted(per_direction.values()) else None

    seen = wait_for(settled, 90, 0.3)  # the first listener of a fresh checkout compiles the MOS kernel
    assert seen, other_process(live_redis, redis_key)
    assert 0 < seen["ttl"] <= 5  # VOIPMON_LIVE_STALE_SECONDS: a stopped listener's calls expire by themselves
    ((ref, row),) = seen["rows"].items()
    assert row["callid"] == callid and row["caller"] == caller and row["called"] == called
    assert row["state"] == "connected" and row["callreference"] == ref and row["src_mosf1"] is not None

    # this process's API serves the same figures (from Redis; the database row holds only scope columns)
    user = user_create(username="noc", tenant=tenant_a, password=PASSWORD, flags={"can_activecalls": True})
    query = {"task": "listActiveCalls", "user": user.username, "password": PASSWORD, "params": "{}"}
    (api_row,) = client.get("/php/api.php", query).json()["rows"]
    assert api_row["callreference"] == ref and api_row["src_received"] == row["src_received"]
    assert api_row["dst_received"] == row["dst_received"] and api_row["src_mosf1"] == row["src_mosf1"]
    server.stop()
    assert other_process(live_redis, redis_key)["rows"] == {}
    assert active_call_list(actor=system_actor(tenant_a)) == []
