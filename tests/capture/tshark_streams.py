"""Run ``tshark -z rtp,streams`` and parse its table (the Wireshark side of the fidelity tests)."""

import re
import shutil
import subprocess

_ROW = re.compile(
    r"^\s*([\d.]+)\s+([\d.]+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+0x([0-9A-Fa-f]+)\s+(.+?)\s+(\d+)\s+(-?\d+)\s+\(.*?\)"
    r"\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)"
)
# SDP negotiated T.38 on a port where RTP kept flowing: tshark would decode that RTP as T.38.
DISABLE_T38 = {"sip_fax_gateway_t38_declined_megaco", "sip_midcall_reinvite_t38_accepted_loss"}


def tshark_available():
    return shutil.which("tshark") is not None


def tshark_rtp_streams(path, disable_t38=False):
    """List of dicts: saddr, sport, daddr, dport, ssrc, packets, lost, max_jitter (ms)."""
    cmd = ["tshark", "-r", str(path), "-q", "-o", "rtp.heuristic_rtp:TRUE", "-z", "rtp,streams"]
    if disable_t38:
        cmd += ["--disable-protocol", "t38"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=600).stdout
    rows = []
    for line in out.splitlines():
        m = _ROW.match(line)
        if m:
            rows.append(
                {
                    "saddr": m.group(3),
                    "sport": int(m.group(4)),
                    "daddr": m.group(5),
                    "dport": int(m.group(6)),
                    "ssrc": int(m.group(7), 16),
                    "payload": m.group(8),
                    "packets": int(m.group(9)),
                    "lost": int(m.group(10)),
                    "max_jitter": float(m.group(16)),
                    "mean_jitter": float(m.group(15)),
                }
            )
    return rows
