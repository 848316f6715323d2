"""Decoding real captures and FFmpeg round trips: the samples must be the right ones, not just some."""

import numpy as np
import pytest
from media_helpers import encode, tone

from apps.media.codecs import G722, PCMA, PCMU, codec_resolve, payload_decoder_create
from apps.media.errors import MediaError
from apps.media.streams import media_streams_read
from apps.media.timeline import voice_packets


def _decode_all(stream, spec):
    decoder = payload_decoder_create(spec, stream.packets[0].payload)
    return [decoder.decode(p.payload) for p in voice_packets(stream, spec)]


@pytest.mark.parametrize(
    ("name", "pt", "law"),
    [
        ("sip_g711u_call_both_ways_loss_bye.pcap", 0, "ul"),
        ("sip_dtmf_rfc2833_via_proxy.pcap", 8, "al"),
        ("rtp_only_g711a_no_sip.pcap", 8, "al"),
    ],
)
def test_g711_decode_equals_sox(captures_dir, sox, name, pt, law):
    streams = [s for s in media_streams_read(captures_dir / name) if s.payload_type == pt and len(s.packets) > 50]
    assert streams
    for stream in streams:
        spec = codec_resolve(stream.payload_type)
        pkts = voice_packets(stream, spec)
        ours = np.concatenate(_decode_all(stream, spec))
        theirs = sox(b"".join(p.payload for p in pkts), law)
        assert len(ours) == len(theirs) == sum(len(p.payload) for p in pkts)
        np.testing.assert_array_equal(ours, theirs)


def test_g722_decodes_at_16khz(captures_dir):
    streams = [
        s for s in media_streams_read(captures_dir / "sip_g711u_reinvite_g722_loopback.pcap") if s.payload_type == 9
    ]
    assert len(streams) == 2
    for stream in streams:
        pcm = _decode_all(stream, G722)
        assert G722.rate == 16000 and G722.clock == 8000
        # 160-byte payloads carry 20 ms: 320 samples at 16 kHz
        assert all(len(chunk) == 2 * len(p.payload) for chunk, p in zip(pcm, stream.packets, strict=True))
        assert np.abs(np.concatenate(pcm)).max() > 1000


def test_g729_decodes_non_silent(captures_dir):
    (stream,) = [s for s in media_streams_read(captures_dir / "sip_rtp_g729a.pcap") if s.payload_type == 18]
    pcm = _decode_all(stream, codec_resolve(18))
    assert [len(c) for c in pcm] == [160] * 425
    rms = np.sqrt(np.mean(np.concatenate(pcm).astype(np.float64) ** 2))
    assert rms > 100


@pytest.mark.parametrize(
    ("codec", "rtpmap", "pt", "rate", "frame"),
    [("libopus", "opus/48000/2", 111, 48000, 960), ("g723_1", None, 4, 8000, 240), ("g722", None, 9, 16000, 320)],
)
def test_ffmpeg_round_trip_keeps_the_tone(codec, rtpmap, pt, rate, frame):
    source = tone(440, 1.0, rate)
    payloads = encode(source, codec, rate, frame)
    spec = codec_resolve(pt, rtpmap)
    decoder = payload_decoder_create(spec, payloads[0])
    pcm = np.concatenate([decoder.decode(p) for p in payloads])
    assert spec.rate == rate
    spectrum = np.abs(np.fft.rfft(pcm[len(pcm) // 4 : len(pcm) // 4 + rate // 2]))
    peak_hz = np.argmax(spectrum) * rate / (rate // 2)
    assert abs(peak_hz - 440) < 10


def test_amr_octet_aligned_rtp_decodes():
    storage = encode(tone(440, 1.0), "libopencore_amrnb")  # one storage-format frame per packet
    rtp = [bytes([0xF0]) + frame for frame in storage]  # CMR 15, then the ToC byte and the frame
    decoder = payload_decoder_create(codec_resolve(97, "AMR/8000"))
    pcm = np.concatenate([decoder.decode(p) for p in rtp])
    assert len(pcm) == 160 * len(rtp)
    spectrum = np.abs(np.fft.rfft(pcm[2000:6000]))
    assert abs(np.argmax(spectrum) * 8000 / 4000 - 440) < 10


def test_amr_bandwidth_efficient_rtp_decodes():
    storage = encode(tone(440, 1.0), "libopencore_amrnb")
    rtp = []
    for frame in storage:
        ft, bits = (frame[0] >> 3) & 0x0F, 244  # 12.2 kbit/s
        assert ft == 7
        value = (15 << 6 | ft << 1 | 1) << bits | int.from_bytes(frame[1:], "big") >> (len(frame[1:]) * 8 - bits)
        total = 10 + bits
        pad = -total % 8
        rtp.append((value << pad).to_bytes((total + pad) // 8, "big"))
    decoder = payload_decoder_create(codec_resolve(97, "AMR/8000"))
    pcm = np.concatenate([decoder.decode(p) for p in rtp])
    assert len(pcm) == 160 * len(rtp)
    assert abs(np.argmax(np.abs(np.fft.rfft(pcm[2000:6000]))) * 2 - 440) < 10


def test_static_and_named_codecs_resolve():
    assert codec_resolve(0) is PCMU and codec_resolve(8) is PCMA
    assert codec_resolve(101, "PCMU/8000") is PCMU
    assert codec_resolve(97, "iLBC/8000").decoder == "ilbc"
    assert codec_resolve(18, "G729/8000").code == 18


@pytest.mark.parametrize(
    ("pt", "rtpmap", "words"),
    [
        (96, "G726-32/8000", ("G.726-32", "353")),
        (97, "EVS/16000", ("EVS", "359")),
        (98, "SILK/16000", ("SILK", "304")),
        (12, None, ("QCELP", "12")),
    ],
)
def test_undecodable_codec_error_names_it(pt, rtpmap, words):
    with pytest.raises(MediaError) as err:
        codec_resolve(pt, rtpmap)
    assert "cannot be decoded" in str(err.value)
    for word in words:
        assert word in str(err.value)


def test_dynamic_payload_without_rtpmap_is_an_error():
    with pytest.raises(MediaError, match="dynamic"):
        codec_resolve(96)


def test_media_error_translates_template_then_fills_placeholders():
    err = MediaError("codec {codec} (payload {payload}) cannot be decoded", codec="EVS", payload=359)
    assert err.translated(lambda s: s.replace("cannot be decoded", "kann nicht dekodiert werden")) == (
        "codec EVS (payload 359) kann nicht dekodiert werden"
    )
