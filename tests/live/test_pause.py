"""Pausing a live call's recording (handleActiveCall): the RTP in the paused span is stored without
payload (checked with tshark on the stored pcap), the WAV is silent there and only there (checked
against the WAV of the same call imported from the file), and the quality figures are those of the
unpaused analysis (the import's)."""

import io
import json
import subprocess
import wave

import numpy as np
from django.core.files.storage import default_storage

from apps.capture.services import capture_import_file
from apps.cdr.models import Cdr
from apps.live import hep
from apps.live.models import ActiveCallCommand, CallPause
from apps.users.services import user_create
from tests.capture.reference import capture_path
from tests.conftest import PASSWORD

from .conftest import send_tcp, wait_for
from .test_equivalence import assert_same_calls
from .test_listener import hep_of

CAPTURE = "sip_g711u_call_both_ways_loss_bye"
PAUSE_FROM, PAUSE_TO = 15.0, 20.0  # seconds into the capture
EDGE = 0.1  # seconds of slack at each edge of the span (packet boundaries, jitter of arrival)


def api(client, user, task, params):
    return client.get(
        "/php/api.php", {"task": task, "user": user.username, "password": PASSWORD, "params": json.dumps(params)}
    )


def command(client, user, name, ref):
    body = api(client, user, "handleActiveCall", {"sensorId": 2, "command": name, "callRef": ref}).json()
    assert body["success"] is True, body
    assert wait_for(lambda: not ActiveCallCommand.objects.filter(applied_at__isnull=True).exists())


def wav_samples(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("audio/"), response.content[:200]
    with wave.open(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)) as w:
        rate, channels = w.getframerate(), w.getnchannels()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").reshape(-1, channels)
    return rate, data


def rtp_records(path):
    """(epoch time, captured length, wire length) of each RTP packet, as tshark decodes them."""
    out = subprocess.run(
        [
            "tshark",
            "-r",
            path,
            "-d",
            "udp.port==10044,rtp",
            "-d",
            "udp.port==24342,rtp",
            "-Y",
            "rtp",
            "-T",
            "fields",
            "-e",
            "frame.time_epoch",
            "-e",
            "frame.cap_len",
            "-e",
            "frame.len",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [(float(t), int(c), int(w)) for t, c, w in (line.split("\t") for line in out.splitlines() if line)]


def test_pause_stores_rtp_without_payload_silences_audio_and_keeps_quality(client, tenant_a, hep_a, hep_server):
    path = capture_path(CAPTURE)
    capture_import_file(tenant=tenant_a, id_sensor=1, path=path)  # the unpaused oracle, sensor 1
    user = user_create(
        username="agent",
        tenant=tenant_a,
        password=PASSWORD,
        flags={"can_activecalls": True, "can_cdr": True, "can_download_audio": True},
    )
    packets = hep_of(path, *hep_a)
    times = [hep.hep_decode(p).ts for p in packets]
    t0 = times[0]
    first = [p for p, t in zip(packets, times, strict=True) if t - t0 < PAUSE_FROM]
    middle = [p for p, t in zip(packets, times, strict=True) if PAUSE_FROM <= t - t0 < PAUSE_TO]
    rest = packets[len(first) + len(middle) :]

    server = hep_server()
    send_tcp(server.port, first)
    rows = wait_for(lambda: api(client, user, "listActiveCalls", {}).json()["rows"])
    ref = rows[0]["callreference"]
    assert wait_for(lambda: server.server.packets == len(first))
    command(client, user, "pausecall", ref)
    command(client, user, "pausecall", ref)  # repeated: harmless
    assert wait_for(lambda: api(client, user, "listActiveCalls", {}).json()["rows"][0]["recording_paused"])
    send_tcp(server.port, middle)
    assert wait_for(lambda: server.server.packets == len(first) + len(middle))
    command(client, user, "unpausecall", ref)
    command(client, user, "unpausecall", ref)
    send_tcp(server.port, rest)
    assert wait_for(lambda: Cdr.objects.filter(id_sensor=2).count() == 1, 60)
    server.stop()

    # the record: every column as the unpaused import's (MOS, loss, jitter included)
    assert_same_calls(tenant_a, expected_count=1)
    live, imported = Cdr.objects.get(id_sensor=2), Cdr.objects.get(id_sensor=1)

    # the pause span is kept on the call, and every command is audited
    ((start, end),) = CallPause.objects.filter(cdr=live).values_list("started_at", "ended_at")
    span = (start.timestamp(), end.timestamp())
    assert PAUSE_FROM - 1 < span[0] - t0 <= PAUSE_FROM and PAUSE_TO - 1 < span[1] - t0 <= PAUSE_TO
    audit = list(ActiveCallCommand.objects.order_by("id").values_list("user__username", "command", "callid", "result"))
    assert audit == [("agent", "pausecall", live.callid, "ok")] * 2 + [("agent", "unpausecall", live.callid, "ok")] * 2

    # the stored pcap: RTP inside the span has no payload (12-byte RTP header kept), outside it is whole
    local = default_storage.path(live.pcap_full)
    records = rtp_records(local)
    assert len(records) == live.a_received + live.b_received
    inside = [r for r in records if span[0] < r[0] <= span[1]]
    outside = [r for r in records if not span[0] < r[0] <= span[1]]
    assert len(inside) > 300 and len(outside) > 2000
    assert all(cap == 14 + 20 + 8 + 12 and wire in (cap + 160, cap + 240) for _t, cap, wire in inside)
    assert all(cap == wire for _t, cap, wire in outside)

    # the audio: silent in the span (both sides), the same as the imported call's elsewhere
    rate, paused = wav_samples(api(client, user, "getVoiceRecording", {"cdrId": live.pk}))
    _rate, whole = wav_samples(api(client, user, "getVoiceRecording", {"cdrId": imported.pk}))
    assert paused.shape == whole.shape
    base = live.calldate.timestamp()
    lo, hi = int((span[0] - base + EDGE) * rate), int((span[1] - base - EDGE) * rate)
    assert np.abs(whole[lo:hi]).max() > 1000  # the unpaused call speaks there: the test can fail
    assert not paused[lo:hi].any()
    before, after = int((span[0] - base - EDGE) * rate), int((span[1] - base + EDGE) * rate)
    assert np.array_equal(paused[:before], whole[:before])
    assert np.array_equal(paused[after:], whole[after:])
