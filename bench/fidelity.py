"""Fidelity score against the VoIPmonitor sniffer's own rows, on every reference capture.

Usage: ``python bench/fidelity.py [--only NAME ...]``. For each capture under the shared
`captures/sniffer-reference/` and `captures/synthetic/` (the synthetic pcaps are rebuilt with the shared
generator into var/fidelity-captures/ and checked against the README's sha256) it prints the share of
calls and of (call, column) pairs that match the sniffer exactly and within one unit, the cdr_rtp stream
rows likewise (tests/capture/scoring.py says how). Beside our analysis time it prints, from the same run,
tshark's ``-z rtp,streams`` time on the same file, and the sniffer's own wall time as recorded with its
rows (another machine and run: a guide only).
"""

import argparse
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def _tshark_seconds(path):
    if not shutil.which("tshark"):
        return None
    t = time.perf_counter()
    subprocess.run(["tshark", "-r", str(path), "-q", "-o", "rtp.heuristic_rtp:TRUE", "-z", "rtp,streams"],
                   capture_output=True, check=True)  # fmt: skip
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*", help="capture names (default: every reference with calls)")
    args = ap.parse_args()
    from apps.capture.analyzer import analyze_capture
    from tests.capture.reference import capture_names, capture_path, reference, synthetic_names
    from tests.capture.scoring import format_score, format_total, score_capture

    names = [n for n in capture_names() + synthetic_names() if reference(n)["cdrs"]]
    if args.only:
        names = [n for n in names if n in args.only]
    if not names:
        sys.exit("no reference captures found (set VOIPMON_SHARED_DIR to the shared folder)")
    scores = {}
    for name in names:
        ref = reference(name)
        path = capture_path(name)
        t = time.perf_counter()
        result = analyze_capture(path)
        ours = time.perf_counter() - t
        scores[name] = score_capture(ref, result.calls)
        print(format_score(name, scores[name]))
        peer = _tshark_seconds(path)
        line = f"  time: ours {ours:.2f} s ({result.stats['packets'] / ours:,.0f} pkt/s)"
        if peer is not None:
            line += f", tshark -z rtp,streams {peer:.2f} s (same run)"
        if ref.get("sniffer_wall_s"):
            line += f", sniffer {ref['sniffer_wall_s']} s (recorded with its rows, other run)"
        print(line, flush=True)
    print(format_total(scores))


if __name__ == "__main__":
    main()
