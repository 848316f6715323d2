"""Call recordings: the right samples, in the right channel, at the right time."""

import io
import wave

import av
import numpy as np
import pytest
from media_helpers import encode, packets, tone, ulaw

from apps.media.audio import MediaStream, call_recording_wav_stream, call_recording_write
from apps.media.codecs import codec_resolve
from apps.media.errors import MediaError
from apps.media.streams import media_streams_read
from apps.media.timeline import packet_positions, voice_packets

T0 = 1_700_000_000.0


def _wav(caller, callee, **kwargs):
    buf = io.BytesIO()
    info = call_recording_write(buf, caller, callee, **kwargs)
    with wave.open(io.BytesIO(buf.getvalue())) as w:
        params = w.getparams()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").reshape(-1, params.nchannels)
    return info, params, pcm


def _split(payload: bytes, size: int = 160) -> list[bytes]:
    return [payload[i : i + size] for i in range(0, len(payload), size)]


def _caller_callee(streams, caller_ip):
    return [s for s in streams if s.key.saddr == caller_ip], [s for s in streams if s.key.saddr != caller_ip]


def test_pcmu_call_wav_samples_equal_sox_at_their_positions(captures_dir, sox):
    streams = media_streams_read(captures_dir / "sip_g711u_call_both_ways_loss_bye.pcap")
    caller, callee = _caller_callee(streams, "192.10.1.65")
    info, params, pcm = _wav(caller, callee)
    assert (params.nchannels, params.framerate, params.sampwidth) == (2, 8000, 2)
    for channel, (stream,) in enumerate((caller, callee)):
        spec = codec_resolve(stream.payload_type)
        pkts = voice_packets(stream, spec)
        expected = sox(b"".join(p.payload for p in pkts), "ul")
        positions = packet_positions(pkts, spec, info.origin)
        offset = 0
        for pkt, pos in zip(pkts, positions, strict=True):
            n = len(pkt.payload)
            np.testing.assert_array_equal(pcm[pos : pos + n, channel], expected[offset : offset + n])
            offset += n
        span = pkts[-1].arrival_ts - pkts[0].arrival_ts + len(pkts[-1].payload) / 8000
        assert abs((positions[-1] - positions[0]) / 8000 + len(pkts[-1].payload) / 8000 - span) < 0.1


def test_pcmu_call_duration_matches_stream_span_and_call_clock(captures_dir):
    streams = media_streams_read(captures_dir / "sip_g711u_call_both_ways_loss_bye.pcap")
    caller, callee = _caller_callee(streams, "192.10.1.65")
    first = min(p.arrival_ts for s in streams for p in s.packets)
    last = max(p.arrival_ts for s in streams for p in s.packets)
    info, _params, pcm = _wav(caller, callee)
    assert abs(len(pcm) / 8000 - (last - first)) < 0.1
    # With the call's own start (INVITE, 1.955 s before the first RTP per the sniffer's record),
    # the audio starts that much later in the file.
    info2, _params, pcm2 = _wav(caller, callee, call_start=first - 1.955)
    lead = np.flatnonzero(pcm2[:, 0])[0] / 8000
    assert abs(lead - 1.955 - np.flatnonzero(pcm[:, 0])[0] / 8000) < 0.01


def test_pcma_lone_stream_equals_sox(captures_dir, sox):
    (stream,) = media_streams_read(captures_dir / "rtp_only_g711a_no_sip.pcap")
    info, _params, pcm = _wav([stream], [])
    pkts = voice_packets(stream, codec_resolve(8))
    expected = sox(b"".join(p.payload for p in pkts), "al")
    assert np.count_nonzero(pcm[:, 1]) == 0
    # 236 packets of 30 ms, none lost: the left channel is the payload, contiguous
    assert len(pcm) == len(expected)
    np.testing.assert_array_equal(pcm[:, 0], expected)


def test_g722_call_leg_is_16khz(captures_dir):
    streams = media_streams_read(captures_dir / "sip_g711u_reinvite_g722_loopback.pcap")
    caller = [s for s in streams if s.key.sport == 5094]
    callee = [s for s in streams if s.key.sport == 5084]
    info, params, pcm = _wav(caller, callee)
    assert params.framerate == 16000 == info.rate
    assert abs(len(pcm) / 16000 - 6.0) < 0.5  # 3 s PCMU then 3 s G.722
    assert np.abs(pcm[: len(pcm) // 2]).max() > 1000 and np.abs(pcm[len(pcm) // 2 :]).max() > 1000


def test_lost_packets_become_silence_of_their_length():
    source = tone(440, 0.2)
    payloads = _split(ulaw(source))
    stream = MediaStream(packets(payloads, start=T0, skip={3, 4, 5}), 0)
    _info, _params, pcm = _wav([stream], [])
    left = pcm[:, 0]
    assert len(left) == 10 * 160
    assert np.count_nonzero(left[3 * 160 : 6 * 160]) == 0
    assert np.count_nonzero(left[: 3 * 160]) > 400 and np.count_nonzero(left[6 * 160 :]) > 600


def test_hold_with_frozen_timestamps_keeps_the_wall_clock():
    """A sender that stops for 3 s and resumes with the next timestamp: audio resumes 3 s later."""
    payloads = _split(ulaw(tone(440, 0.4)))
    pkts = packets(payloads[:10], start=T0) + [
        p._replace(arrival_ts=p.arrival_ts + 3.0) for p in packets(payloads[10:], start=T0 + 0.2, seq0=10, ts0=1600)
    ]
    _info, _params, pcm = _wav([MediaStream(pkts, 0)], [])
    assert abs(len(pcm) / 8000 - 3.4) < 0.01
    assert np.count_nonzero(pcm[1600 : 1600 + 3 * 8000, 0]) == 0
    assert np.count_nonzero(pcm[1600 + 3 * 8000 :, 0]) > 1000


def test_dtmf_and_comfort_noise_packets_are_not_played():
    payloads = _split(ulaw(tone(440, 0.2)))
    voice = packets(payloads, start=T0, skip={4, 5, 6})
    events = [p._replace(payload_type=101, payload=b"\x05\x0a\x00\xa0") for p in packets(payloads, start=T0)[4:6]]
    cn = [packets(payloads, start=T0, pt=13)[6]._replace(payload=b"\x40")]
    stream = MediaStream(sorted(voice + events + cn, key=lambda p: p.seq), 0)
    _info, _params, pcm = _wav([stream], [])
    assert len(pcm) == 10 * 160
    assert np.count_nonzero(pcm[4 * 160 : 7 * 160, 0]) == 0


def test_event_only_call_has_no_audio():
    events = [p._replace(payload=b"\x05\x0a\x00\xa0") for p in packets([b"x"] * 5, pt=101)]
    with pytest.raises(MediaError, match="no audio"):
        call_recording_write(io.BytesIO(), [MediaStream(events, 101, "telephone-event/8000")], [])


def test_no_streams_or_fax_only_is_an_error():
    with pytest.raises(MediaError, match="no audio"):
        call_recording_write(io.BytesIO(), [], [])
    fax = MediaStream(packets([b"\x00" * 20] * 5, pt=96), 96, "t38/8000")
    with pytest.raises(MediaError, match="T.38"):
        call_recording_write(io.BytesIO(), [fax], [])


def test_undecodable_codec_is_named_not_an_empty_file():
    stream = MediaStream(packets([b"\x11" * 80] * 10, pt=96), 96, "G726-32/8000")
    buf = io.BytesIO()
    with pytest.raises(MediaError, match=r"G\.726-32 \(payload 353\)"):
        call_recording_write(buf, [stream], [])
    assert buf.getvalue() == b""


def test_caller_is_left_and_callee_is_right():
    caller = MediaStream(packets(_split(ulaw(tone(400, 1.0))), start=T0, ssrc=1), 0)
    callee = MediaStream(packets(_split(ulaw(tone(1200, 1.0))), start=T0, ssrc=2), 0)
    _info, _params, pcm = _wav([caller], [callee])

    def peak_hz(x):
        return np.argmax(np.abs(np.fft.rfft(x[:8000].astype(np.float64)))) * 8000 / 8000

    assert abs(peak_hz(pcm[:, 0]) - 400) < 5
    assert abs(peak_hz(pcm[:, 1]) - 1200) < 5


def test_both_channels_share_the_call_clock():
    offset = np.full(8000, 3000, dtype=np.int16)  # never zero, so the first sound is the first sample
    caller = MediaStream(packets(_split(ulaw(tone(400, 1.0) // 2 + offset)), start=T0, ssrc=1), 0)
    callee = MediaStream(packets(_split(ulaw(tone(1200, 1.0) // 2 + offset)), start=T0 + 0.5, ssrc=2), 0)
    _info, _params, pcm = _wav([caller], [callee], call_start=T0 - 1.0)
    assert np.flatnonzero(pcm[:, 0])[0] == 8000
    assert np.flatnonzero(pcm[:, 1])[0] == 12000
    assert len(pcm) == int(2.5 * 8000)


def test_start_at_begins_at_the_200_ok():
    source = tone(400, 2.0)
    caller = MediaStream(packets(_split(ulaw(source)), start=T0), 0)
    _info, _params, full = _wav([caller], [])
    _info, _params, after = _wav([caller], [], start_at=T0 + 1.0)
    assert len(after) == len(full) - 8000
    np.testing.assert_array_equal(after[:, 0], full[8000:, 0])


def test_wrapping_sequence_and_timestamp_stay_contiguous():
    payloads = _split(ulaw(tone(440, 0.4)))
    stream = MediaStream(packets(payloads, start=T0, seq0=65530, ts0=0xFFFFFF00), 0)
    _info, _params, pcm = _wav([stream], [])
    assert len(pcm) == 20 * 160
    assert np.count_nonzero(pcm[:, 0] == 0) < 40


def test_opus_and_pcmu_sides_mix_at_48khz():
    opus = encode(tone(300, 1.0, 48000), "libopus", 48000, 960)
    caller = MediaStream(packets(opus, start=T0, pt=111, clock=48000), 111, "opus/48000/2")
    callee = MediaStream(packets(_split(ulaw(tone(1000, 1.0))), start=T0), 0)
    info, params, pcm = _wav([caller], [callee])
    assert params.framerate == 48000
    assert abs(len(pcm) / 48000 - 1.0) < 0.05
    spectrum = np.abs(np.fft.rfft(pcm[12000:36000, 1].astype(np.float64)))
    assert abs(np.argmax(spectrum) * 48000 / 24000 - 1000) < 10


def test_ogg_output_decodes_to_the_same_length():
    caller = MediaStream(packets(_split(ulaw(tone(400, 2.0))), start=T0), 0)
    buf = io.BytesIO()
    info = call_recording_write(buf, [caller], [], fmt="ogg")
    assert buf.getvalue()[:4] == b"OggS"
    with av.open(io.BytesIO(buf.getvalue())) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name in ("opus", "vorbis") and stream.codec_context.channels == 2
        samples = sum(frame.samples for frame in container.decode(stream))
    assert abs(samples / stream.codec_context.sample_rate - info.duration) < 0.1


def test_wav_stream_chunks_equal_the_written_file():
    caller = MediaStream(packets(_split(ulaw(tone(400, 10.0))), start=T0), 0)
    buf = io.BytesIO()
    call_recording_write(buf, [caller], [])
    info, chunks = call_recording_wav_stream([caller], [])
    parts = list(chunks)
    assert len(parts) > 2 and b"".join(parts) == buf.getvalue()


def test_unknown_format_is_rejected():
    with pytest.raises(MediaError, match="mp3"):
        call_recording_write(io.BytesIO(), [], [], fmt="mp3")
