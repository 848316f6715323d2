"""Shared helpers for the fidelity tests: where the captures are, and how we compare to the sniffer.

Tolerances come from the issue: durations within 10 ms, quality columns within 1 unit of the stored
integer, everything else exact.
"""

import datetime as dt
import json
import os
import pathlib

REPO = pathlib.Path(__file__).resolve().parents[2]
SHARED = pathlib.Path(os.environ.get("VOIPMON_SHARED_DIR", REPO.parent / "shared"))
CAPTURES = SHARED / "captures"
REFERENCE = CAPTURES / "sniffer-reference"

EXACT = ("caller", "called", "sipcallerip", "sipcalledip", "sipcallerport", "sipcalledport", "lastSIPresponseNum",
         "bye", "whohanged", "a_payload", "b_payload", "payload", "a_received", "b_received", "a_lost", "b_lost",
         "reason_q850_cause", "reason_sip_cause", "a_saddr", "b_saddr")
SECONDS = ("duration", "connect_duration", "progress_time", "first_rtp_time", "post_bye_delay")
MILLIS = ("response_time_100", "response_time_xxx")
QUALITY_SIDE = (["avgjitter_mult10", "maxjitter", "mos_f1_mult10", "mos_f2_mult10", "mos_adapt_mult10",
                 "mos_f1_min_mult10", "mos_f2_min_mult10", "mos_adapt_min_mult10", "delay_sum", "delay_cnt",
                 "delay_avg_mult100", "reordered", "packet_loss_perc_mult1000", "rtp_ptime",
                 "rtcp_loss", "rtcp_maxfr", "rtcp_avgfr_mult10", "rtcp_maxjitter", "rtcp_avgjitter_mult10",
                 "rtcp_avgrtd_mult10", "rtcp_maxrtd_mult10"]
                + [f"sl{i}" for i in range(1, 11)] + [f"d{e}" for e in (50, 70, 90, 120, 150, 200, 300)])
QUALITY = [f"{s}_{n}" for s in "ab" for n in QUALITY_SIDE] + [
    "jitter_mult10", "packet_loss_perc_mult1000", "lost", "mos_min_mult10", "delay_sum", "delay_cnt",
    "delay_avg_mult100", "rtcp_avgfr_mult10", "rtcp_avgjitter_mult10"]


def capture_names():
    if not REFERENCE.is_dir():
        return []
    return sorted(p.stem for p in REFERENCE.glob("*.json"))


def capture_path(name):
    for ext in (".pcap", ".pcapng"):
        if (CAPTURES / (name + ext)).exists():
            return CAPTURES / (name + ext)
    raise FileNotFoundError(name)


def reference(name):
    return json.loads((REFERENCE / f"{name}.json").read_text())


def _num(v):
    return None if v is None else float(v)


def compare_call(ref, ours):
    """Return {column: (sniffer, ours)} for every column outside tolerance."""
    cdr, fields = ref["cdr"], ours.fields
    diffs = {}
    for k in EXACT:
        if cdr.get(k) != fields.get(k):
            diffs[k] = (cdr.get(k), fields.get(k))
    text = ref.get("lastSIPresponse")
    if text != fields.get("lastSIPresponse"):
        diffs["lastSIPresponse"] = (text, fields.get("lastSIPresponse"))
    want = dt.datetime.fromisoformat(cdr["calldate"]).replace(tzinfo=dt.UTC)
    if abs((fields["calldate"] - want).total_seconds()) > 0.010:
        diffs["calldate"] = (cdr["calldate"], fields["calldate"].isoformat())
    for k in SECONDS:
        a, b = _num(cdr.get(k)), fields.get(k)
        if (a is None) != (b is None) or (a is not None and abs(a - b) > 0.010):
            diffs[k] = (cdr.get(k), b)
    for k in MILLIS:
        a, b = cdr.get(k), fields.get(k)
        if (a is None) != (b is None) or (a is not None and abs(a - b) > 10):
            diffs[k] = (a, b)
    for k in QUALITY:
        a, b = cdr.get(k), fields.get(k)
        if a is None and b is None:
            continue
        if (a is None) != (b is None) or abs(a - b) > 1:
            diffs[k] = (a, b)
    want_dtmf = [d["dtmf"] for d in sorted(ref.get("cdr_dtmf", []), key=lambda d: float(d["firsttime"]))]
    got_dtmf = [d["digit"] for d in ours.dtmf]
    if want_dtmf != got_dtmf:
        diffs["dtmf"] = (want_dtmf, got_dtmf)
    return diffs
