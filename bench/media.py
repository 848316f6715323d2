"""Benchmark of the media core: one hour of G.711 stereo to WAV and Ogg, and a zip of many
recordings, next to Debian sox converting the same payload.

    .venv/bin/python bench/media.py [--minutes 60] [--files 1000]
"""

import argparse
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apps.media.audio import MediaStream, call_recording_wav_stream, call_recording_write  # noqa: E402
from apps.media.bundle import zip_bundle_stream  # noqa: E402
from apps.media.rtpread import RtpPacket  # noqa: E402

T0 = 1_700_000_000.0


def _ulaw(pcm: np.ndarray) -> bytes:
    ctx = av.CodecContext.create("pcm_mulaw", "w")
    ctx.sample_rate, ctx.layout, ctx.format = 8000, "mono", "s16"
    frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = 8000
    return b"".join(bytes(p) for p in ctx.encode(frame)) + b"".join(bytes(p) for p in ctx.encode(None))


def synthetic_side(seconds: float, freq: float, ssrc: int, seed: int, loss: float = 0.005):
    """A sine plus noise, u-law, 20 ms packets with jittered arrivals and some random loss."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * 8000)) / 8000
    pcm = (np.sin(2 * np.pi * freq * t) * 8000 + rng.normal(0, 800, len(t))).astype(np.int16)
    raw = _ulaw(pcm)
    count = len(raw) // 160
    jitter = rng.uniform(0, 0.004, count)
    lost = rng.random(count) < loss
    pkts = [
        RtpPacket(
            T0 + i * 0.02 + jitter[i], i & 0xFFFF, (i * 160) & 0xFFFFFFFF, 0, ssrc, i == 0, raw[i * 160 : i * 160 + 160]
        )
        for i in range(count)
        if not lost[i]
    ]
    return MediaStream(pkts, 0), raw


def _measure(fn):
    """(seconds, result) of one run, then the tracemalloc peak of a second run."""
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak, result


def _row(label, seconds, audio_seconds, peak=None):
    peak_s = f"{peak / 2**20:8.1f} MiB" if peak is not None else "         -"
    speed = f"{audio_seconds / seconds:9.0f}x" if audio_seconds else "          "
    print(f"{label:<46} {seconds:8.3f} s {speed} real time   peak {peak_s}")


class _Sink(io.RawIOBase):
    """Counts bytes like a network socket would consume them, without keeping them."""

    def __init__(self):
        self.size = 0

    def writable(self):
        return True

    def write(self, b):
        self.size += len(b)
        return len(b)


def bench_call(minutes: float, tmp: Path):
    seconds = minutes * 60
    caller, raw = synthetic_side(seconds, 440, 1, 1)
    callee, _raw = synthetic_side(seconds, 1250, 2, 2)
    print(f"call: {seconds:.0f} s, {len(caller.packets) + len(callee.packets)} packets (20 ms, 0.5 % loss)")
    wav_s, wav_peak, info = _measure(lambda: call_recording_write(_Sink(), [caller], [callee]))
    _row("ours: stereo WAV (decode + place + write)", wav_s, seconds, wav_peak)
    with open(tmp / "call.wav", "wb") as fh:
        start = time.perf_counter()
        call_recording_write(fh, [caller], [callee])
        _row("ours: stereo WAV to a file", time.perf_counter() - start, seconds)
    ogg_s, ogg_peak, _ = _measure(lambda: call_recording_write(_Sink(), [caller], [callee], fmt="ogg"))
    _row("ours: stereo Ogg/Opus", ogg_s, seconds, ogg_peak)
    sox = shutil.which("sox")
    if not sox:
        print("sox: not installed, no comparison")
        return
    (tmp / "in.raw").write_bytes(raw)
    cmd = [sox, "-t", "ul", "-r", "8000", "-c", "1", str(tmp / "in.raw"), str(tmp / "out.wav")]
    gnu_time = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)
    if gnu_time:
        cmd = [gnu_time, "-f", "%M", "-o", str(tmp / "rss.txt"), *cmd]
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    sox_s = time.perf_counter() - start
    _row("sox -t ul -r 8000 -c 1 in.raw out.wav (1 side)", sox_s, seconds)
    _row("ours, per side (half the stereo WAV run)", wav_s / 2, seconds)
    if gnu_time:
        rss_kib = int((tmp / "rss.txt").read_text().split()[-1])
        print(f"{'':<46} sox max RSS {rss_kib / 1024:.1f} MiB (whole process, from /usr/bin/time)")
    ours_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'':<46} ours: tracemalloc peak above; this process max RSS {ours_rss:.0f} MiB incl. the input packets")


def bench_zip(files: int, seconds_each: float):
    caller, _ = synthetic_side(seconds_each, 440, 1, 3)
    callee, _ = synthetic_side(seconds_each, 1250, 2, 4)

    def recordings(n):
        for i in range(n):
            yield f"rec-{i:05d}.wav", (lambda: call_recording_wav_stream([caller], [callee])[1])

    for n in sorted({max(files // 10, 1), files}):
        sink = _Sink()
        start = time.perf_counter()
        for chunk in zip_bundle_stream(recordings(n), total=n):
            sink.write(chunk)
        elapsed = time.perf_counter() - start
        tracemalloc.start()
        for _chunk in zip_bundle_stream(recordings(n), total=n):
            pass
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        _row(f"zip of {n} x {seconds_each:.0f} s WAV ({sink.size / 2**20:.0f} MiB)", elapsed, n * seconds_each, peak)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seconds-each", type=float, default=10)
    args = parser.parse_args()
    print(
        f"PyAV {av.__version__}, FFmpeg {'.'.join(map(str, av.library_versions['libavcodec']))} (libavcodec), "
        f"numpy {np.__version__}, {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory() as tmp:
        bench_call(args.minutes, Path(tmp))
    bench_zip(args.files, args.seconds_each)


if __name__ == "__main__":
    main()
