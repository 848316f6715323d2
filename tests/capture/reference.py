"""Shared helpers for the fidelity tests: where the captures are, and how we compare to the sniffer.

Tolerances come from the issue: durations within 10 ms, quality columns within 1 unit of the stored
integer, everything else exact.
"""

import hashlib
import json
import os
import pathlib
import re
import shlex
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
SHARED = pathlib.Path(os.environ.get("VOIPMON_SHARED_DIR", REPO.parent / "shared"))
CAPTURES = SHARED / "captures"
REFERENCE = CAPTURES / "sniffer-reference"
SYNTHETIC = CAPTURES / "synthetic"
SYNTHETIC_CACHE = pathlib.Path(os.environ.get("VOIPMON_CAPTURE_CACHE", REPO / "var" / "fidelity-captures"))

EXACT = (
    "caller",
    "called",
    "sipcallerip",
    "sipcalledip",
    "sipcallerport",
    "sipcalledport",
    "lastSIPresponseNum",
    "bye",
    "whohanged",
    "a_payload",
    "b_payload",
    "payload",
    "a_received",
    "b_received",
    "a_lost",
    "b_lost",
    "reason_q850_cause",
    "reason_sip_cause",
    "a_saddr",
    "b_saddr",
)
SECONDS = ("duration", "connect_duration", "progress_time", "first_rtp_time", "post_bye_delay")
MILLIS = ("response_time_100", "response_time_xxx")
QUALITY_SIDE = (
    [
        "avgjitter_mult10",
        "maxjitter",
        "mos_f1_mult10",
        "mos_f2_mult10",
        "mos_adapt_mult10",
        "mos_f1_min_mult10",
        "mos_f2_min_mult10",
        "mos_adapt_min_mult10",
        "delay_sum",
        "delay_cnt",
        "delay_avg_mult100",
        "reordered",
        "packet_loss_perc_mult1000",
        "rtp_ptime",
        "rtcp_loss",
        "rtcp_maxfr",
        "rtcp_avgfr_mult10",
        "rtcp_maxjitter",
        "rtcp_avgjitter_mult10",
        "rtcp_avgrtd_mult10",
        "rtcp_maxrtd_mult10",
    ]
    + [f"sl{i}" for i in range(1, 11)]
    + [f"d{e}" for e in (50, 70, 90, 120, 150, 200, 300)]
)
QUALITY = [f"{s}_{n}" for s in "ab" for n in QUALITY_SIDE] + [
    "jitter_mult10",
    "packet_loss_perc_mult1000",
    "lost",
    "mos_min_mult10",
    "delay_sum",
    "delay_cnt",
    "delay_avg_mult100",
    "rtcp_avgfr_mult10",
    "rtcp_avgjitter_mult10",
]


def capture_names():
    if not REFERENCE.is_dir():
        return []
    return sorted(p.stem for p in REFERENCE.glob("*.json"))


def capture_path(name):
    if name in synthetic_names():
        return synthetic_capture(name)
    for ext in (".pcap", ".pcapng"):
        if (CAPTURES / (name + ext)).exists():
            return CAPTURES / (name + ext)
    raise FileNotFoundError(name)


def reference(name):
    path = REFERENCE / f"{name}.json"
    return json.loads((path if path.exists() else SYNTHETIC / f"{name}.json").read_text())


def synthetic_names():
    """The synthetic captures whose sniffer rows are shared (`captures/synthetic/*.json`)."""
    return sorted(p.stem for p in SYNTHETIC.glob("*.json")) if SYNTHETIC.is_dir() else []


def synthetic_recipes():
    """{name: (generator arguments, sha256)} from the table in `captures/synthetic/README.md`."""
    rows = re.findall(r"^\| `(\w+)\.json` \| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|$",
                      (SYNTHETIC / "README.md").read_text(), re.M)  # fmt: skip
    return {name: (shlex.split(args), sha) for name, args, sha in rows}


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def synthetic_capture(name):
    """The pcap of a synthetic reference: rebuilt with the shared generator the first time (kept under
    var/ for the next run), and used only if its sha256 is the one the README gives."""
    args, sha = synthetic_recipes()[name]
    path = SYNTHETIC_CACHE / f"{name}.pcap"
    if not path.exists() or sha256_of(path) != sha:
        SYNTHETIC_CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        subprocess.run([sys.executable, str(SYNTHETIC / "gen_capture.py"), str(tmp), *args], check=True,
                       capture_output=True, timeout=600)  # fmt: skip
        tmp.replace(path)
    got = sha256_of(path)
    if got != sha:
        raise AssertionError(f"{name}: the regenerated capture's sha256 is {got}, the README says {sha}")
    return path


def _num(v):
    return None if v is None else float(v)


def compare_call(ref, ours):
    """Return {column: (sniffer, ours)} for every column outside tolerance: every cdr column we produce
    (scoring.NOT_PRODUCED names the others), the last response text, the DTMF digits and every
    cdr_rtp stream row (columns named ``cdr_rtp[<sniffer's index>].<column>``)."""
    from .scoring import LOOKUPS, NOT_PRODUCED, STREAM_COLUMNS, STREAM_KEY, distance

    cdr, fields = ref["cdr"], ours.fields
    diffs = {}
    for k, theirs in cdr.items():
        if k in NOT_PRODUCED:
            continue
        if k in LOOKUPS:
            name, get = LOOKUPS[k]
            theirs, mine = get(ref), fields.get(name)
        else:
            mine = fields.get(k)
        d = distance(theirs, mine)
        tolerance = 10 if k in SECONDS or k in MILLIS or k in ("calldate", "callend") else 1 if k in QUALITY else 0
        if d is None or d > tolerance:
            diffs[k] = (theirs, mine)
    want_dtmf = [d["dtmf"] for d in sorted(ref.get("cdr_dtmf", []), key=lambda d: float(d["firsttime"]))]
    got_dtmf = [d["digit"] for d in ours.dtmf]
    if want_dtmf != got_dtmf:
        diffs["dtmf"] = (want_dtmf, got_dtmf)
    by_key = {tuple(s[k] for k in STREAM_KEY): s for s in ours.streams}
    for row in ref.get("cdr_rtp", []):
        mine = by_key.get(tuple(row[k] for k in STREAM_KEY))
        if mine is None:
            diffs[f"cdr_rtp[{row['index']}]"] = ("stream", None)
            continue
        for column, key in STREAM_COLUMNS.items():
            if key is None or column not in row:
                continue
            d = distance(row[column], mine.get(key))
            tolerance = 10 if column in ("firsttime", "duration") else 1 if column == "maxjitter_mult10" else 0
            if d is None or d > tolerance:
                diffs[f"cdr_rtp[{row['index']}].{column}"] = (row[column], mine.get(key))
    return diffs
