"""Synthetic capture for the ingest benchmark: N concurrent G.711 calls, SIP + RTP both ways.

Each call: INVITE/100/180/200/ACK with SDP, ``seconds`` of 20 ms PCMU each way with Gaussian
jitter (sd 2 ms, occasional 60 ms spikes) and 1 % random loss, then BYE/200. Packets of all calls
are merged in time order with a heap, so memory stays small whatever the duration.
"""

import heapq
import random
import struct

ETH = b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\x08\x00"


def _ip(a):
    return bytes([10, (a >> 16) & 255, (a >> 8) & 255, a & 255])


def _frame(src, dst, sport, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0, src, dst)
    return ETH + ip + udp


def _sip(first, call_id, cseq, a, b, sdp_ip=None, port=None):
    body = b""
    if sdp_ip:
        body = (
            f"v=0\r\no=- 1 1 IN IP4 {sdp_ip}\r\ns=-\r\nc=IN IP4 {sdp_ip}\r\nt=0 0\r\n"
            f"m=audio {port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
            "a=ptime:20\r\n"
        ).encode()
    head = (
        f"{first}\r\nVia: SIP/2.0/UDP {a};branch=z9hG4bK{call_id}{cseq}\r\n"
        f"From: <sip:1{call_id}@{a}>;tag=a{call_id}\r\n"
        f"To: <sip:2{call_id}@{b}>;tag=b{call_id}\r\nCall-ID: bench-{call_id}@{a}\r\nCSeq: {cseq}\r\n"
        f"User-Agent: bench\r\nContent-Type: application/sdp\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _rtp(src, dst, sport, dport, ssrc, start, n, rng):
    for k in range(n):
        if rng.random() < 0.01:
            continue
        jit = abs(rng.gauss(0, 0.002)) + (0.06 if rng.random() < 0.001 else 0.0)
        rtp = struct.pack("!BBHII", 0x80, 0, k & 0xFFFF, (k * 160) & 0xFFFFFFFF, ssrc) + bytes(160)
        yield start + k * 0.02 + jit, _frame(src, dst, sport, dport, rtp)


def _call_events(i, t0, seconds, rng):
    """Four time-ordered iterables per call: set-up SIP, RTP each way, tear-down SIP."""
    a, b = _ip(0x010000 + i), _ip(0x020000 + i)
    at, bt = f"10.1.{i >> 8 & 255}.{i & 255}", f"10.2.{i >> 8 & 255}.{i & 255}"
    pa, pb = 20000 + 2 * i, 40000 + 2 * i
    setup = [
        (t0, _frame(a, b, 5060, 5060, _sip(f"INVITE sip:2{i}@{bt} SIP/2.0", i, "1 INVITE", at, bt, at, pa))),
        (t0 + 0.01, _frame(b, a, 5060, 5060, _sip("SIP/2.0 100 Trying", i, "1 INVITE", at, bt))),
        (t0 + 0.2, _frame(b, a, 5060, 5060, _sip("SIP/2.0 180 Ringing", i, "1 INVITE", at, bt))),
        (t0 + 1.0, _frame(b, a, 5060, 5060, _sip("SIP/2.0 200 OK", i, "1 INVITE", at, bt, bt, pb))),
        (t0 + 1.02, _frame(a, b, 5060, 5060, _sip(f"ACK sip:2{i}@{bt} SIP/2.0", i, "1 ACK", at, bt))),
    ]
    n = int(seconds * 50)
    end = t0 + 1.2 + seconds
    teardown = [
        (end, _frame(a, b, 5060, 5060, _sip(f"BYE sip:2{i}@{bt} SIP/2.0", i, "2 BYE", at, bt))),
        (end + 0.02, _frame(b, a, 5060, 5060, _sip("SIP/2.0 200 OK", i, "2 BYE", at, bt))),
    ]
    return [
        setup,
        _rtp(a, b, pa, pb, 1000 + i, t0 + 1.05, n, random.Random(rng.random())),
        _rtp(b, a, pb, pa, 900000 + i, t0 + 1.06, n, random.Random(rng.random())),
        teardown,
    ]


def gen_capture(path, calls=200, seconds=60.0, seed=1):
    """Write the capture in time order (merge plus a small reorder heap); returns the packet count."""
    rng = random.Random(seed)
    base = 1700000000.0
    sources = [it for i in range(calls) for it in _call_events(i, base + rng.random() * 2.0, seconds, rng)]
    merged = heapq.merge(*sources, key=lambda e: e[0])
    count = 0
    heap, buf = [], []
    with open(path, "wb") as fh:
        fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))

        def emit(ts, frame):
            usec = int(round((ts % 1) * 1e6))
            sec = int(ts) + usec // 1000000
            buf.append(struct.pack("<IIII", sec, usec % 1000000, len(frame), len(frame)) + frame)

        for ts, frame in merged:
            heapq.heappush(heap, (ts, count, frame))
            count += 1
            if len(heap) > 20000:
                t, _, f = heapq.heappop(heap)
                emit(t, f)
            if len(buf) >= 20000:
                fh.write(b"".join(buf))
                buf.clear()
        while heap:
            t, _, f = heapq.heappop(heap)
            emit(t, f)
        fh.write(b"".join(buf))
    return count
