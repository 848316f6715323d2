"""Synthetic audio and RTP packets for the media tests (imported by the test modules)."""

import av
import numpy as np

from apps.capture.rtpstream import RtpPacket


def tone(freq: float, seconds: float, rate: int = 8000, amplitude: int = 12000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * np.pi * freq * t) * amplitude).astype(np.int16)


def encode(pcm: np.ndarray, codec: str, rate: int = 8000, frame: int = 160) -> list[bytes]:
    """Encode with FFmpeg (PyAV), one payload per `frame` samples, for round-trip fixtures."""
    ctx = av.CodecContext.create(codec, "w")
    ctx.sample_rate, ctx.layout, ctx.format = rate, "mono", "s16"
    if codec == "libopencore_amrnb":
        ctx.bit_rate = 12200
    ctx.open()
    out = []
    for i in range(0, len(pcm) - frame + 1, frame):
        fr = av.AudioFrame.from_ndarray(pcm[i : i + frame].reshape(1, -1).copy(), format="s16", layout="mono")
        fr.sample_rate, fr.pts = rate, i
        out += [bytes(p) for p in ctx.encode(fr)]
    out += [bytes(p) for p in ctx.encode(None)]
    return out


def ulaw(pcm: np.ndarray) -> bytes:
    return b"".join(encode(pcm, "pcm_mulaw", frame=len(pcm)))


def packets(payloads, *, start=1_700_000_000.0, pt=0, ssrc=1234, ptime=0.02, clock=8000, skip=(), seq0=0, ts0=0):
    """RTP packets for consecutive payloads, leaving out the indexes in `skip` (lost on the wire)."""
    step = int(ptime * clock)
    return [
        RtpPacket(start + i * ptime, (seq0 + i) & 0xFFFF, (ts0 + i * step) & 0xFFFFFFFF, pt, ssrc, i == 0, p)
        for i, p in enumerate(payloads)
        if i not in skip
    ]
