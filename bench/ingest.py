"""Ingest benchmark: our analysis (with per-call pcap writing) vs tshark's RTP analysis vs a bare dpkt loop.

Usage: ``python bench/ingest.py [--calls 200] [--seconds 60] [--keep FILE]``. Each stage runs in its own
child process so its peak RSS (ru_maxrss) is its own; memory flatness is checked by also analysing a
capture of half the duration.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def _child(stage, path, out_dir):
    t = time.perf_counter()
    if stage == "ours":
        from apps.capture.analyzer import analyze_capture

        result = analyze_capture(path, out_dir=out_dir)
        packets, extra = result.stats["packets"], {"calls": len(result.calls)}
        try:  # the lead's DB stage, when Django is configured
            import django

            if os.environ.get("DJANGO_SETTINGS_MODULE"):
                django.setup()
                from apps.capture import services

                t_db = time.perf_counter()
                services.capture_import_file(path=path)
                extra["db_seconds"] = time.perf_counter() - t_db
        except Exception as exc:  # noqa: BLE001 - optional stage, report and go on
            extra["db_stage"] = f"skipped: {type(exc).__name__}"
    else:
        import dpkt

        packets = 0
        with open(path, "rb") as fh:
            for _ts, _buf in dpkt.pcap.Reader(fh):
                packets += 1
        extra = {}
    elapsed = time.perf_counter() - t
    extra.update(packets=packets, seconds=elapsed, maxrss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(extra))


def _run_child(stage, path, out_dir):
    out = subprocess.run([sys.executable, __file__, "--child", stage, path, out_dir], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _tshark(path, packets):
    if not shutil.which("tshark"):
        return None
    t = time.perf_counter()
    subprocess.run(["tshark", "-r", path, "-q", "-z", "rtp,streams"], capture_output=True, check=True)
    return {"packets": packets, "seconds": time.perf_counter() - t}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--child", nargs=3)
    args = ap.parse_args()
    if args.child:
        _child(*args.child)
        return
    from bench.gen_capture import gen_capture

    tmp = tempfile.mkdtemp(prefix="voipmon-bench-")
    try:
        full, half = os.path.join(tmp, "full.pcap"), os.path.join(tmp, "half.pcap")
        t = time.perf_counter()
        n = gen_capture(full, args.calls, args.seconds)
        gen_capture(half, args.calls, args.seconds / 2)
        print(f"generated {n} packets ({os.path.getsize(full) / 1e6:.0f} MB) in {time.perf_counter() - t:.0f} s")
        ours = _run_child("ours", full, os.path.join(tmp, "out"))
        ours_half = _run_child("ours", half, os.path.join(tmp, "out_half"))
        bare = _run_child("dpkt", full, tmp)
        tsh = _tshark(full, n)
        rate = {k: v["packets"] / v["seconds"] for k, v in (("ours", ours), ("dpkt", bare), ("tshark", tsh)) if v}
        print(f"ours   : {rate['ours']:>10,.0f} pkt/s  ({ours['seconds']:.1f} s, {ours['calls']} calls, "
              f"peak RSS {ours['maxrss_mb']:.0f} MB; half-length file {ours_half['maxrss_mb']:.0f} MB)")
        if "db_seconds" in ours:
            print(f"db insert stage: {ours['db_seconds']:.1f} s")
        elif "db_stage" in ours:
            print(f"db insert stage {ours['db_stage']}")
        print(f"dpkt   : {rate['dpkt']:>10,.0f} pkt/s  (bare dpkt.pcap.Reader loop)")
        if "tshark" in rate:
            print(f"tshark : {rate['tshark']:>10,.0f} pkt/s  (-q -z rtp,streams)")
            print(f"ours / tshark = {rate['ours'] / rate['tshark']:.2f}")
        print(f"ours / dpkt   = {rate['ours'] / rate['dpkt']:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
