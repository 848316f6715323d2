"""The fast RTP index of a capture file: the same packets as the general decoder, and recordings
rendered from the file sample for sample equal to those of the same packets held in memory."""

import io
import random
import struct

import numpy as np
import pytest
from media_helpers import packets, tone, ulaw

from apps.capture import rtpstream
from apps.capture.pcapio import PcapSource
from apps.media.audio import MediaStream, call_recording_write
from apps.media.streams import call_streams_split, media_streams_read

T0 = 1_700_000_000.0
A, B = b"\x0a\x00\x00\x01", b"\x0a\x00\x00\x02"


def _rtp(rng, ssrc):
    b0 = 0x80 | rng.choice([0, 0, 1, 15]) | rng.choice([0, 0, 0x10]) | rng.choice([0, 0, 0x20])
    pt = rng.choice([0, 8, 101, 0x80, 72])
    body = struct.pack("!BBHII", b0, pt, rng.randrange(65536), rng.randrange(1 << 32), ssrc)
    body += bytes(4 * (b0 & 0x0F))
    if b0 & 0x10 and rng.random() < 0.8:
        body += struct.pack("!HH", 0xBEDE, rng.choice([0, 1, 900])) + bytes(4 * rng.choice([0, 1]))
    body += bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 4, 160])))
    if b0 & 0x20 and rng.random() < 0.7:
        body += bytes([0, 0, rng.choice([1, 3, 200])])
    return body if rng.random() > 0.05 else b"BYE sip:x SIP/2.0\r\n\r\n"


def _ip(rng, payload):
    udp = struct.pack("!HHHH", 4000, 5000, 8 + len(payload), 0) + payload
    kind = rng.random()
    if kind < 0.1:
        v6 = b"\x20\x01" + bytes(14)
        return struct.pack("!IHBB16s16s", 0x60000000, len(udp), 17, 64, v6, v6[:-1] + b"\x02") + udp, 0x86DD
    ihl, frag = (6, 0) if kind < 0.15 else (5, 0x2000 if kind < 0.2 else 0x4000)
    total = 4 * ihl + len(udp) if kind > 0.25 else rng.choice([0, 10, 5000])
    head = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total, 7, frag, 64, 17, 0, rng.choice([A, B]), B)
    return head + bytes(4 * (ihl - 5)) + udp, 0x0800


def _frame(rng, linktype):
    ip, ethertype = _ip(rng, _rtp(rng, rng.choice([1, 2])))
    if linktype == 1:
        tags = rng.choice([b"", b"\x81\x00\x00\x05", b"\x88\xa8\x00\x05\x81\x00\x00\x06"])
        frame = bytes(12) + tags + struct.pack("!H", ethertype) + ip
        return frame + bytes(max(0, 60 - len(frame)))  # Ethernet pads short frames: the IP length must win
    if linktype == 113:
        return bytes(14) + struct.pack("!H", ethertype) + ip
    return ip  # 101, raw IP


def _general_streams(path):
    """The reference: every frame through the general decoder, as the reader did before the fast path."""
    src, reasm, out = PcapSource(path), rtpstream.netparse.Reassembler(), {}
    for ts, linktype, data, _raw in src:
        hit = rtpstream._general(linktype, data, ts, reasm)
        if hit is not None:
            raw, b1, seq, rtp_ts, payload = hit
            key = rtpstream._stream_key(raw)
            out.setdefault(key, []).append(
                rtpstream.RtpPacket(ts, seq, rtp_ts, b1 & 0x7F, key.ssrc, bool(b1 & 0x80), payload)
            )
    src.close()
    return out


@pytest.mark.parametrize(("linktype", "endian", "nanoseconds"), [(1, "<", False), (113, ">", True), (101, "<", True)])
def test_fast_index_reads_what_the_general_decoder_reads(tmp_path, linktype, endian, nanoseconds):
    rng = random.Random(linktype)
    path = tmp_path / "mixed.pcap"
    with open(path, "wb") as fh:
        magic = 0xA1B23C4D if nanoseconds else 0xA1B2C3D4
        fh.write(struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, 65535, linktype))
        for i in range(4000):
            frame = _frame(rng, linktype)
            frame = frame[: rng.randrange(len(frame) + 1)] if rng.random() < 0.02 else frame
            frac = (i * 20011) % 1_000_000 * (1000 if nanoseconds else 1)
            fh.write(struct.pack(endian + "IIII", 1_700_000_000 + i // 50, frac, len(frame), len(frame)) + frame)
        fh.write(b"\x01\x02\x03")  # a record cut short at the end of the file
    ours = rtpstream.rtp_streams(path)
    theirs = _general_streams(path)
    assert sum(map(len, theirs.values())) > 1000
    assert list(ours) == list(theirs)
    assert all(ours[key] == theirs[key] for key in theirs)


def _write_call(path, sides):
    records = []
    for (src, dst, sport, dport), pkts in sides:
        for p in pkts:
            rtp = struct.pack("!BBHII", 0x80, p.payload_type, p.seq, p.rtp_ts, p.ssrc) + p.payload
            udp = struct.pack("!HHHH", sport, dport, 8 + len(rtp), 0) + rtp
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, src, dst) + udp
            records.append((p.arrival_ts, bytes(12) + b"\x08\x00" + ip))
    records.sort(key=lambda r: r[0])
    with open(path, "wb") as fh:
        fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for ts, frame in records:
            usec = int(round(ts * 1e6))
            fh.write(struct.pack("<IIII", usec // 1_000_000, usec % 1_000_000, len(frame), len(frame)) + frame)


def test_recording_from_the_file_equals_the_one_from_packets_in_memory(tmp_path):
    """Reordered, duplicated and lost packets, a hold and DTMF: the file path must place every sample
    where the in-memory path does, and never load the call's packets as objects."""
    rng = np.random.default_rng(5)
    left, right = ulaw(tone(440, 30.0)), ulaw(tone(1000, 30.0))
    payloads = [left[i : i + 160] for i in range(0, len(left), 160)]
    caller = packets(payloads, start=T0, ssrc=1, skip=set(rng.choice(1500, 20).tolist()))
    caller = [p._replace(arrival_ts=p.arrival_ts + (0.08 if i % 37 == 0 else 0) + (4.0 if i > 700 else 0))
              for i, p in enumerate(caller)]  # fmt: skip
    caller += [caller[i]._replace(arrival_ts=caller[i].arrival_ts + 0.03) for i in range(5, 1400, 97)]
    caller += [p._replace(payload_type=101, payload=b"\x05\x0a\x00\xa0") for p in packets([b"x"] * 5, start=T0 + 3)]
    callee = packets([right[i : i + 160] for i in range(0, len(right), 160)], start=T0 + 0.3, ssrc=2)
    _write_call(tmp_path / "call.pcap", [((A, B, 4000, 5000), caller), ((B, A, 5000, 4000), callee)])
    rows = [
        {"saddr": "10.0.0.1", "sport": 4000, "daddr": "10.0.0.2", "dport": 5000, "ssrc": 1, "side": "caller"},
        {"saddr": "10.0.0.2", "sport": 5000, "daddr": "10.0.0.1", "dport": 4000, "ssrc": 2, "side": "callee"},
    ]
    kwargs = {"call_start": T0 - 1.0, "call_end": T0 + 40}
    from_file, in_memory = io.BytesIO(), io.BytesIO()
    file_sides = call_streams_split(tmp_path / "call.pcap", rows)
    call_recording_write(from_file, *file_sides, **kwargs)
    assert not any("_packets" in vars(stream) for side in file_sides for stream in side)
    memory_sides = [[MediaStream(s.packets, s.payload_type) for s in side] for side in file_sides]
    call_recording_write(in_memory, *memory_sides, **kwargs)
    assert len(from_file.getvalue()) == 44 + 41 * 8000 * 4
    assert from_file.getvalue() == in_memory.getvalue()


def test_capture_streams_keep_their_first_appearance_order(captures_dir):
    streams = media_streams_read(captures_dir / "sip_call_g711a_rtcp_relay_nobye.pcap")
    index = rtpstream.rtp_index(captures_dir / "sip_call_g711a_rtcp_relay_nobye.pcap")
    assert [s.span[0] for s in streams] == sorted(s.span[0] for s in streams)
    assert len(index.streams) == len(streams) and not index.extra
