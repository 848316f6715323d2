"""Response times over INVITE transactions, and the RTCP round trip, on hand-built messages."""

import struct

from apps.capture.calls import CallState
from apps.capture.rtcp import RtcpBook, round_trip_ms
from apps.capture.sip import sip_parse

A, P, B = "10.0.0.1", "10.0.0.2", "10.0.0.3"  # caller, proxy, callee


def _msg(first, cseq, tag="c1"):
    return sip_parse(
        (
            f"{first}\r\nVia: SIP/2.0/UDP x\r\nFrom: <sip:a@x>;tag={tag}\r\nTo: <sip:b@x>\r\n"
            f"Call-ID: k\r\nCSeq: {cseq}\r\nContent-Length: 0\r\n\r\n"
        ).encode()
    )


def _feed(call, ts, first, cseq, src, dst, tag="c1"):
    call.on_message(ts, _msg(first, cseq, tag), src, 5060, dst, 5060, (), None, 0)


def _call():
    invite = _msg("INVITE sip:b@x SIP/2.0", "1 INVITE")
    return CallState("k", 0.0, invite, A, 5060, P, 5060, None)


def test_response_time_is_the_fastest_forward_transaction():
    call = _call()
    _feed(call, 0.000, "INVITE sip:b@x SIP/2.0", "1 INVITE", A, P)
    _feed(call, 0.500, "INVITE sip:b@x SIP/2.0", "1 INVITE", A, P)  # retransmission: base stays 0.000
    _feed(call, 0.900, "SIP/2.0 100 Trying", "1 INVITE", P, A)
    _feed(call, 1.000, "SIP/2.0 407 Proxy Authentication Required", "1 INVITE", P, A)
    _feed(call, 5.000, "INVITE sip:b@x SIP/2.0", "2 INVITE", A, P)
    _feed(call, 5.002, "INVITE sip:b@x SIP/2.0", "2 INVITE", P, B)  # next hop
    _feed(call, 5.030, "SIP/2.0 180 Ringing", "2 INVITE", B, P)  # 28 ms on the second hop
    _feed(call, 5.040, "SIP/2.0 180 Ringing", "2 INVITE", P, A)
    assert (round(call.t100_rel * 1000), round(call.txxx_rel * 1000)) == (900, 28)


def test_invites_towards_the_caller_do_not_count():
    call = _call()
    _feed(call, 0.000, "INVITE sip:b@x SIP/2.0", "1 INVITE", A, P)
    _feed(call, 0.010, "INVITE sip:b@x SIP/2.0", "1 INVITE", P, A)  # proxy hairpins to the caller
    _feed(call, 0.020, "SIP/2.0 180 Ringing", "1 INVITE", A, P)  # answers the hairpin, 10 ms
    _feed(call, 0.030, "SIP/2.0 180 Ringing", "1 INVITE", P, A)  # answers the caller, 30 ms
    _feed(call, 0.040, "SIP/2.0 200 OK", "1 INVITE", P, A)
    _feed(call, 2.000, "INVITE sip:a@x SIP/2.0", "7 INVITE", P, A, tag="callee")  # callee's re-INVITE
    _feed(call, 2.001, "SIP/2.0 100 Trying", "7 INVITE", A, P, tag="callee")
    _feed(call, 2.002, "SIP/2.0 200 OK", "7 INVITE", A, P, tag="callee")
    assert call.t100_rel is None
    assert round(call.txxx_rel * 1000) == 30


def _sr(ssrc, mid, blocks=()):
    body = struct.pack("!IIIIII", ssrc, mid >> 16, (mid & 0xFFFF) << 16, 0, 0, 0)
    body += b"".join(struct.pack("!IIIIII", s, 0, 0, 0, lsr, dlsr) for s, lsr, dlsr in blocks)
    return struct.pack("!BBH", 0x80 | len(blocks), 200, len(body) // 4) + body


def _rr(ssrc, about, lsr, dlsr):
    body = struct.pack("!I", ssrc) + struct.pack("!IIIIII", about, 0, 0, 0, lsr, dlsr)
    return struct.pack("!BBH", 0x81, 201, len(body) // 4) + body


def test_round_trip_times_the_echoed_sr_in_whole_ms():
    assert round_trip_ms(10.000, 7.000, 3 * 65536 - 1) == 1  # 3000 ms - 2999 ms (DLSR truncated)
    assert round_trip_ms(10.0005, 10.0, 1) is None  # same-packet echo: 0 is no sample
    book = RtcpBook()
    book.add(_sr(0xB, 0x12345678, [(0xB, 0x12345678, 1)]), 100.0)  # self-echo in the SR: no sample
    book.add(_rr(0xA, 0xB, 0x12345678, 65536), 101.004)  # 1004 ms - 1000 ms
    book.add(_rr(0xA, 0xB, 0x0BADBEEF, 65536), 101.5)  # quotes an SR never seen: no sample
    summary = book.summary(0xB)
    assert (summary["avgrtd_mult10"], summary["maxrtd_mult10"]) == (40, 40)
