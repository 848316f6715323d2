"""RTCP sender and receiver reports (RFC 3550 section 6.4): report blocks about a media SSRC.

Reports are kept per reported SSRC so the call record can summarise "the receiver reports about
this stream" whatever port the RTCP travelled on (port+1, a=rtcp or rtcp-mux).
"""

import struct

NTP_OFFSET = 2208988800


def rtcp_looks_valid(payload):
    """Strict check used on ports no SDP announced: version 2, SR/RR first, lengths consistent."""
    if len(payload) < 8 or payload[0] >> 6 != 2 or payload[1] not in (200, 201):
        return False
    return (struct.unpack_from("!H", payload, 2)[0] + 1) * 4 <= len(payload)


def rtcp_report_blocks(payload, arrival):
    """Yield ``(ssrc, fraction_lost, cumulative_lost, jitter_units, rtt_ms|None)`` per report block."""
    pos = 0
    ntp_mid = int((arrival + NTP_OFFSET) * 65536) & 0xFFFFFFFF
    while pos + 8 <= len(payload):
        b0, ptype, length = struct.unpack_from("!BBH", payload, pos)
        end = pos + (length + 1) * 4
        if b0 >> 6 != 2 or end > len(payload):
            return
        count = b0 & 0x1F
        blocks = pos + 8 + (20 if ptype == 200 else 0)
        if ptype in (200, 201):
            for i in range(count):
                off = blocks + 24 * i
                if off + 24 > end:
                    break
                ssrc, word, _ehsn, jitter, lsr, dlsr = struct.unpack_from("!IIIIII", payload, off)
                fraction = word >> 24
                cum = word & 0xFFFFFF
                if cum & 0x800000:
                    cum -= 0x1000000
                rtt = None
                if lsr:
                    delta = (ntp_mid - lsr - dlsr) & 0xFFFFFFFF
                    if delta < 0x80000000:
                        rtt = delta * 1000.0 / 65536.0
                yield ssrc, fraction, cum, jitter, rtt
        pos = end


class RtcpBook:
    """Report blocks received, by the SSRC they report on (bounded per SSRC)."""

    MAX_PER_SSRC = 10000

    def __init__(self):
        self.by_ssrc = {}

    def add(self, payload, arrival):
        for ssrc, fraction, cum, jitter, rtt in rtcp_report_blocks(payload, arrival):
            reports = self.by_ssrc.setdefault(ssrc, [])
            if len(reports) < self.MAX_PER_SSRC:
                reports.append((fraction, cum, jitter, rtt))

    def summary(self, ssrc, clock=8000):
        """cdr-model.md RTCP columns for one stream, or all None when no report names it."""
        reports = self.by_ssrc.get(ssrc)
        if not reports:
            return dict.fromkeys(("loss", "maxfr", "avgfr_mult10", "maxjitter", "avgjitter_mult10",
                                  "avgrtd_mult10", "maxrtd_mult10"))
        fr = [r[0] for r in reports]
        jit = [r[2] * 1000.0 / clock for r in reports]
        rtts = [r[3] for r in reports if r[3] is not None]
        return {
            "loss": reports[-1][1],
            "maxfr": max(fr),
            "avgfr_mult10": int(round(sum(fr) / len(fr) * 10)),
            "maxjitter": int(round(max(jit))),
            "avgjitter_mult10": int(round(sum(jit) / len(jit) * 10)),
            "avgrtd_mult10": int(round(sum(rtts) / len(rtts) * 10)) if rtts else None,
            "maxrtd_mult10": int(round(max(rtts) * 10)) if rtts else None,
        }
