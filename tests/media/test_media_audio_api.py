"""getVoiceRecording / REST /audio: stereo WAV on the call's clock whose samples are sox's, and clear refusals."""

import io
import os
import wave

import av
import numpy as np
import pytest
from legacy_client import api, body_of, file_of, legacy_error, zip_members

from apps.cdr.models import CdrRtp
from apps.media.callfiles import pcap_path
from apps.media.codecs import codec_resolve
from apps.media.streams import call_streams_split
from apps.media.timeline import packet_positions, voice_packets

pytestmark = pytest.mark.django_db
G711U = "sip_g711u_call_both_ways_loss_bye.pcap"
G711A = "sip_dtmf_rfc2833_via_proxy.pcap"


def wav_of(data):
    with wave.open(io.BytesIO(data)) as w:
        params = w.getparams()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").reshape(-1, params.nchannels)
    return params, pcm


def stream_rows(cdr):
    return list(CdrRtp.objects.filter(cdr=cdr).values("saddr", "sport", "daddr", "dport", "ssrc", "side", "payload"))


@pytest.mark.parametrize(("name", "law"), [(G711U, "ul"), (G711A, "al")])
def test_g711_recording_equals_sox_on_the_calls_clock(client, import_capture, media_user, sox, name, law):
    cdr = import_capture(name)[-1]
    params, pcm = wav_of(file_of(api(client, "getVoiceRecording", {"cdrId": cdr.pk}, user="mia"), "audio/x-wav"))
    assert (params.nchannels, params.framerate, params.sampwidth) == (2, 8000, 2)
    assert abs(len(pcm) / 8000 - cdr.duration) < 0.05  # the recording lasts as long as the call
    caller, callee = call_streams_split(pcap_path(cdr), stream_rows(cdr))
    for channel, streams in enumerate((caller, callee)):
        (stream,) = streams
        spec = codec_resolve(stream.payload_type, stream.rtpmap)
        pkts = voice_packets(stream, spec)
        expected = sox(b"".join(p.payload for p in pkts), law)
        positions = packet_positions(pkts, spec, cdr.calldate.timestamp())
        offset = 0
        for pkt, pos in zip(pkts, positions, strict=True):
            n = len(pkt.payload)
            np.testing.assert_array_equal(pcm[pos : pos + n, channel], expected[offset : offset + n])
            offset += n
        # the caller's audio is on the left: the first packet's sound sits where its arrival says
        first = pkts[0].arrival_ts - cdr.calldate.timestamp()
        assert abs(positions[0] / 8000 - first) < 0.1


def test_after_connect_starts_at_the_200_ok(client, import_capture, media_user):
    (cdr,) = import_capture(G711U)
    _p, full = wav_of(body_of(api(client, "getVoiceRecording", {"cdrId": cdr.pk}, user="mia")))
    response = api(client, "getVoiceRecording", {"cdrId": cdr.pk, "saveaudio_afterconnect": "yes"}, user="mia")
    _p, after = wav_of(file_of(response, "audio/x-wav"))
    skip = int(round((cdr.duration - cdr.connect_duration) * 8000))
    assert abs(len(after) / 8000 - cdr.connect_duration) < 0.05
    np.testing.assert_array_equal(after[8000:16000], full[skip + 8000 : skip + 16000])


def test_callid_with_calldate_in_the_tenants_time_zone(client, import_capture, media_user):
    (cdr,) = import_capture(G711U)
    found = api(client, "getVoiceRecording", {"callId": cdr.callid, "calldate": "2024-12-13"}, user="mia")
    assert file_of(found, "audio/x-wav")[:4] == b"RIFF"
    legacy_error(api(client, "getVoiceRecording", {"callId": cdr.callid}, user="mia"), "not found")  # today
    legacy_error(
        api(client, "getVoiceRecording", {"callId": cdr.callid, "calldate": "13.12.2024"}, user="mia"),
        "calldate must be a date",
    )


def test_ogg_and_zip(client, import_capture, media_user):
    (cdr,) = import_capture(G711U)
    ogg = file_of(api(client, "getVoiceRecording", {"cdrId": cdr.pk, "ogg": True}, user="mia"), "audio/ogg")
    with av.open(io.BytesIO(ogg)) as container:
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))
        assert stream.codec_context.channels == 2
        assert abs(samples / stream.codec_context.sample_rate - cdr.duration) < 0.1
    zipped = file_of(api(client, "getVoiceRecording", {"cdrId": cdr.pk, "zip": True}, user="mia"), "application/zip")
    assert list(zip_members(zipped)) == [f"{cdr.pk}.wav"]


def test_a_list_of_ids_is_a_zip_and_calls_without_audio_say_why(client, import_capture, media_user):
    (voice,) = import_capture(G711U)
    failed = [c for c in import_capture("sip_failed_calls_register_auth.pcap") if c.lastSIPresponseNum == 403][0]
    response = api(client, "getVoiceRecording", {"cdrId": [voice.pk, failed.pk]}, user="mia")
    members = zip_members(file_of(response, "application/zip"))
    assert sorted(members) == sorted([f"{voice.pk}.wav", f"{failed.pk}.txt"])
    assert wav_of(members[f"{voice.pk}.wav"])[1].shape[1] == 2
    assert b"not answered (403" in members[f"{failed.pk}.txt"]
    as_text = api(client, "getVoiceRecording", {"cdrId": f"{voice.pk},{failed.pk}"}, user="mia")
    assert sorted(zip_members(file_of(as_text, "application/zip"))) == sorted(members)


def test_unanswered_fax_and_undecodable_calls_are_clear_errors(client, import_capture, media_user):
    failed = [c for c in import_capture("sip_failed_calls_register_auth.pcap") if c.lastSIPresponseNum == 403][0]
    legacy_error(api(client, "getVoiceRecording", {"cdrId": failed.pk}, user="mia"), "was not answered (403")
    (cdr,) = import_capture(G711U)
    CdrRtp.objects.filter(cdr=cdr).update(payload=353)
    legacy_error(api(client, "getVoiceRecording", {"cdrId": cdr.pk}, user="mia"), "codec G.726-32 (payload 353)")
    CdrRtp.objects.filter(cdr=cdr).update(payload=1000)
    legacy_error(api(client, "getVoiceRecording", {"cdrId": cdr.pk}, user="mia"), "T.38 fax")


def test_too_many_ids_and_missing_files(client, import_capture, media_user):
    legacy_error(api(client, "getVoiceRecording", {"cdrId": list(range(1, 10_001))}, user="mia"), "at most 1000")
    (cdr,) = import_capture(G711U)
    legacy_error(api(client, "getVoiceRecording", {"cdrId": [cdr.pk, cdr.pk + 99]}, user="mia"), "not found")
    os.remove(pcap_path(cdr))
    legacy_error(api(client, "getVoiceRecording", {"cdrId": cdr.pk}, user="mia"), "not available")
    legacy_error(api(client, "getVoiceRecording", {"cdrId": [cdr.pk]}, user="mia"), "not available")


def test_audio_flags(client, import_capture, make_user, rest):
    (cdr,) = import_capture(G711U)
    player = make_user("pia", {"can_cdr": True, "can_play_audio": True})
    legacy_error(api(client, "getVoiceRecording", {"cdrId": cdr.pk}, user="pia"), "can_download_audio")
    assert rest(player).get(f"/api/v1/calls/{cdr.pk}/audio").status_code == 403
    inline = rest(player).get(f"/api/v1/calls/{cdr.pk}/audio", {"inline": 1})
    assert inline.status_code == 200 and inline["Content-Disposition"].startswith("inline")
    make_user("nora", {"can_cdr": True, "can_download_audio": True, "no_rtp": True})
    legacy_error(api(client, "getVoiceRecording", {"cdrId": cdr.pk}, user="nora"), "no_rtp")


def test_rest_audio(import_capture, media_user, rest, make_user, tenant_b):
    (cdr,) = import_capture(G711U)
    client = rest(media_user)
    wav = client.get(f"/api/v1/calls/{cdr.pk}/audio", {"after_connect": 1}, HTTP_ACCEPT="audio/x-wav")
    assert abs(len(wav_of(file_of(wav, "audio/x-wav"))[1]) / 8000 - cdr.connect_duration) < 0.05
    assert file_of(client.get(f"/api/v1/calls/{cdr.pk}/audio/", {"format": "ogg"}), "audio/ogg")[:4] == b"OggS"
    bad = client.get(f"/api/v1/calls/{cdr.pk}/audio", {"format": "mp3"}, HTTP_ACCEPT="audio/x-wav")
    assert (
        bad.status_code == 400 and bad["Content-Type"].startswith("application/json") and "mp3" in bad.json()["detail"]
    )
    other = make_user("bea", {"can_cdr": True, "can_download_audio": True}, tenant=tenant_b)
    assert rest(other).get(f"/api/v1/calls/{cdr.pk}/audio").status_code == 404
    CdrRtp.objects.filter(cdr=cdr).update(payload=353)
    undecodable = client.get(f"/api/v1/calls/{cdr.pk}/audio")
    assert undecodable.status_code == 422 and "G.726-32" in undecodable.json()["detail"]
