"""Benchmark of the media core: one hour of G.711 stereo to WAV and Ogg, the whole request path for that
call stored as a pcap (read the pcap, decode, write the WAV: what getVoiceRecording does after its
database queries) with its peak memory against a 15-minute call, and a zip of many recordings through
the streaming path, next to Debian sox converting the same payload in the same run.

    .venv/bin/python bench/media.py [--minutes 60] [--short-minutes 15] [--files 1000]

Each request runs in a fresh process, so its peak RSS is the request's own and not the benchmark's
(which holds the synthetic packets in memory to build the files).
"""

import argparse
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apps.capture.pcapio import pcap_header, pcap_record  # noqa: E402
from apps.capture.rtpstream import RtpPacket  # noqa: E402
from apps.media.audio import MediaStream, call_recording_wav_stream, call_recording_write  # noqa: E402
from apps.media.bundle import zip_bundle_stream  # noqa: E402
from apps.media.streams import call_streams_split  # noqa: E402
from bench._common import run_child  # noqa: E402

T0 = 1_700_000_000.0
REQUEST_RUNS = 3


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


def _row(label, seconds, audio_seconds, peak=None, note=""):
    peak_s = f"{peak / 2**20:8.1f} MiB" if peak is not None else "         -"
    speed = f"{audio_seconds / seconds:9.0f}x" if audio_seconds else "          "
    print(f"{label:<46} {seconds:8.3f} s {speed} real time   peak {peak_s} {note}".rstrip())


class _Sink(io.RawIOBase):
    """Counts bytes like a network socket would consume them, without keeping them."""

    def __init__(self):
        self.size = 0

    def writable(self):
        return True

    def write(self, b):
        self.size += len(b)
        return len(b)


def bench_call(minutes: float, short_minutes: float, tmp: Path):
    seconds = minutes * 60
    caller, raw = synthetic_side(seconds, 440, 1, 1)
    callee, raw_b = synthetic_side(seconds, 1250, 2, 2)
    print(f"call: {seconds:.0f} s, {len(caller.packets) + len(callee.packets)} packets (20 ms, 0.5 % loss)")
    _bench_request(caller, callee, tmp / "call.pcap", seconds)
    wav_s, wav_peak, info = _measure(lambda: call_recording_write(_Sink(), [caller], [callee]))
    _row("ours: decode only (packets in memory) to WAV", wav_s, seconds, wav_peak)
    ogg_s, ogg_peak, _ = _measure(lambda: call_recording_write(_Sink(), [caller], [callee], fmt="ogg"))
    _row("ours: decode only (packets in memory) to Ogg", ogg_s, seconds, ogg_peak)
    short_a, _ = synthetic_side(short_minutes * 60, 440, 1, 1)
    short_b, _ = synthetic_side(short_minutes * 60, 1250, 2, 2)
    _bench_request(short_a, short_b, tmp / "short.pcap", short_minutes * 60)
    sox = shutil.which("sox")
    if not sox:
        print("sox: not installed, no comparison")
        return
    (tmp / "a.raw").write_bytes(raw)
    (tmp / "b.raw").write_bytes(raw_b)
    inputs = ["-M", "-t", "ul", "-r", "8000", "-c", "1", str(tmp / "a.raw"), "-t", "ul", "-r", "8000", "-c", "1",
              str(tmp / "b.raw")]  # fmt: skip
    for label, out in (
        ("sox -M (2 x ul) stereo WAV, same payload", "out.wav"),
        ("sox -M (2 x ul) stereo Ogg/Vorbis", "out.ogg"),
    ):
        sox_s, rss_kib = _timed_process([sox, *inputs, str(tmp / out)], tmp)
        _row(label, sox_s, seconds, None, f"max RSS {rss_kib / 1024:.1f} MiB (process)" if rss_kib else "")
    print(f"{'':<46} sox gets the payload already laid out (no pcap, no loss, no jitter, no RTP timing to honour)")


def _timed_process(cmd, tmp):
    """Wall seconds of a command, and its max RSS in KiB from GNU time when available."""
    gnu_time = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)
    if gnu_time:
        cmd = [gnu_time, "-f", "%M", "-o", str(tmp / "rss.txt"), *cmd]
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    elapsed = time.perf_counter() - start
    return elapsed, int((tmp / "rss.txt").read_text().split()[-1]) if gnu_time else None


def _frame(pkt, src, dst, sport, dport):
    rtp = struct.pack("!BBHII", 0x80, pkt.payload_type, pkt.seq, pkt.rtp_ts, pkt.ssrc) + pkt.payload
    udp = struct.pack("!HHHH", sport, dport, 8 + len(rtp), 0) + rtp
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, src, dst) + udp
    return b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\x08\x00" + ip


A_IP, B_IP = "192.0.2.10", "198.51.100.20"
ROWS = [
    {"saddr": A_IP, "sport": 4000, "daddr": B_IP, "dport": 5000, "ssrc": 1, "side": "caller", "payload": 0},
    {"saddr": B_IP, "sport": 5000, "daddr": A_IP, "dport": 4000, "ssrc": 2, "side": "callee", "payload": 0},
]


def _bench_request(caller, callee, path: Path, seconds: float):
    """Store the call as the capture pipeline would (one pcap, both directions in arrival order), then
    time the request path on it in a fresh process."""
    a, b = bytes(map(int, A_IP.split("."))), bytes(map(int, B_IP.split(".")))
    records = [(p.arrival_ts, _frame(p, a, b, 4000, 5000)) for p in caller.packets]
    records += [(p.arrival_ts, _frame(p, b, a, 5000, 4000)) for p in callee.packets]
    records.sort(key=lambda r: r[0])
    with open(path, "wb") as fh:
        fh.write(pcap_header(1))
        for ts, frame in records:
            fh.write(pcap_record(ts, frame))
    del records
    cmd = [sys.executable, __file__, "--request", str(path)]
    runs = [json.loads(run_child(cmd)) for _ in range(REQUEST_RUNS)]
    r = min(runs, key=lambda run: run["seconds"])
    size = path.stat().st_size / 2**20
    rss = max(run["rss"] for run in runs) / 1024
    note = f"(read {r['read']:.3f} s) {size:.0f} MiB pcap, peak RSS {rss:.0f} MiB ({r['base'] / 1024:.0f} before it)"
    _row(f"ours: whole request, {seconds / 60:.0f} min pcap -> WAV", r["seconds"], seconds, None, note)


def _rss_peak_kib() -> int:
    """This process's peak RSS (VmHWM): unlike ru_maxrss it starts afresh at exec, not at the parent's."""
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))


def request_run(path):
    """One getVoiceRecording's media work, measured from inside its own process (see --request)."""
    base = _rss_peak_kib()
    start = time.perf_counter()
    caller, callee = call_streams_split(path, ROWS)
    read = time.perf_counter() - start
    call_recording_write(_Sink(), caller, callee)
    elapsed = time.perf_counter() - start
    rss = _rss_peak_kib()
    print(json.dumps({"seconds": elapsed, "read": read, "base": base, "rss": rss}))


def bench_zip(files: int, seconds_each: float):
    caller, _ = synthetic_side(seconds_each, 440, 1, 3)
    callee, _ = synthetic_side(seconds_each, 1250, 2, 4)

    def recordings(n):
        for i in range(n):
            yield f"rec-{i:05d}.wav", (lambda: call_recording_wav_stream([caller], [callee])[1])

    peaks, sizes = {}, {}
    for n in sorted({max(files // 10, 1), files}):
        sink = _Sink()
        start = time.perf_counter()
        for chunk in zip_bundle_stream(recordings(n), total=n):
            sink.write(chunk)
        elapsed = time.perf_counter() - start
        sizes[n] = sink.size
        tracemalloc.start()
        for _chunk in zip_bundle_stream(recordings(n), total=n):
            pass
        peaks[n] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        _row(
            f"zip of {n} x {seconds_each:.0f} s WAV ({sink.size / 2**20:.0f} MiB)", elapsed, n * seconds_each, peaks[n]
        )
    if len(peaks) == 2:
        (n1, p1), (n2, p2) = sorted(peaks.items())
        print(
            f"{'':<46} peak grows {(p2 - p1) / (n2 - n1):.0f} bytes per extra file (the zip's central directory "
            f"entry), for {sizes[n2] / n2 / 2**10:.0f} KiB of audio per file"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--short-minutes", type=float, default=15)
    parser.add_argument("--request", help=argparse.SUPPRESS)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seconds-each", type=float, default=10)
    args = parser.parse_args()
    if args.request:
        request_run(args.request)
        return
    print(
        f"PyAV {av.__version__}, FFmpeg {'.'.join(map(str, av.library_versions['libavcodec']))} (libavcodec), "
        f"numpy {np.__version__}, {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory() as tmp:
        bench_call(args.minutes, args.short_minutes, Path(tmp))
    bench_zip(args.files, args.seconds_each)


if __name__ == "__main__":
    main()
