"""RTCP sender and receiver reports (RFC 3550 section 6.4): report blocks about a media SSRC.

Reports are kept per reported SSRC so the call record can summarise "the receiver reports about
this stream" whatever port the RTCP travelled on (port+1, a=rtcp or rtcp-mux).
"""

import struct


def rtcp_looks_valid(payload):
    """Strict check used on ports no SDP announced: version 2, SR/RR first, lengths consistent."""
    if len(payload) < 8 or payload[0] >> 6 != 2 or payload[1] not in (200, 201):
        return False
    return (struct.unpack_from("!H", payload, 2)[0] + 1) * 4 <= len(payload)


def rtcp_parse(payload):
    """Yield the parts of a compound RTCP packet that the call record uses, in packet order.

    ``("sr", sender_ssrc, ntp_mid)`` for a sender report's sender info (``ntp_mid`` is the middle 32
    bits of its NTP timestamp, the value a later report echoes as LSR), then
    ``("rb", ssrc, fraction_lost, cumulative_lost, jitter_units, lsr, dlsr)`` per report block.
    """
    pos = 0
    while pos + 8 <= len(payload):
        b0, ptype, length = struct.unpack_from("!BBH", payload, pos)
        end = pos + (length + 1) * 4
        if b0 >> 6 != 2 or end > len(payload):
            return
        count = b0 & 0x1F
        blocks = pos + 8 + (20 if ptype == 200 else 0)
        if ptype == 200 and blocks <= end:
            sender, msw, lsw = struct.unpack_from("!III", payload, pos + 4)
            yield "sr", sender, ((msw & 0xFFFF) << 16) | (lsw >> 16)
        if ptype in (200, 201):
            for i in range(count):
                off = blocks + 24 * i
                if off + 24 > end:
                    break
                ssrc, word, _ehsn, jitter, lsr, dlsr = struct.unpack_from("!IIIIII", payload, off)
                cum = word & 0xFFFFFF
                if cum & 0x800000:
                    cum -= 0x1000000
                yield "rb", ssrc, word >> 24, cum, jitter, lsr, dlsr
        pos = end


def round_trip_ms(report_arrival, sr_arrival, dlsr):
    """Round trip seen from the capture point: report arrival - arrival of the SR it echoes - DLSR.

    A passive observer cannot read the endpoints' NTP clocks (RFC 3550 A - LSR - DLSR needs the
    SR sender's own clock), so, like the sniffer, we time the SR whose NTP middle bits the report
    quotes as LSR, in whole ms: the elapsed time and DLSR each truncated to ms. Only a positive
    result is a sample (a report echoing an SR in the same packet gives 0).
    """
    elapsed_ms = int(round((report_arrival - sr_arrival) * 1e6)) // 1000
    rtt = elapsed_ms - dlsr * 1000 // 65536
    return rtt if rtt > 0 else None


class RtcpBook:
    """Report blocks received, by the SSRC they report on (bounded per SSRC)."""

    MAX_PER_SSRC = 10000

    def __init__(self):
        self.by_ssrc = {}
        self.last_sr = {}  # sender SSRC -> (NTP middle bits, arrival) of its latest SR

    def add(self, payload, arrival):
        for part in rtcp_parse(payload):
            if part[0] == "sr":
                self.last_sr[part[1]] = (part[2], arrival)
                continue
            _, ssrc, fraction, cum, jitter, lsr, dlsr = part
            rtt = None
            if lsr and dlsr:
                sr = self.last_sr.get(ssrc)
                if sr is not None and sr[0] == lsr:
                    rtt = round_trip_ms(arrival, sr[1], dlsr)
            reports = self.by_ssrc.setdefault(ssrc, [])
            if len(reports) < self.MAX_PER_SSRC:
                reports.append((fraction, cum, jitter, rtt))

    def summary(self, ssrc, clock=8000):
        """cdr-model.md RTCP columns for one stream, or all None when no report names it."""
        reports = self.by_ssrc.get(ssrc)
        if not reports:
            return dict.fromkeys(
                ("loss", "maxfr", "avgfr_mult10", "maxjitter", "avgjitter_mult10", "avgrtd_mult10", "maxrtd_mult10")
            )
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
