"""Codec codes of cdr-model.md and RTP clock rates.

Static payload types map to themselves; dynamic ones are named by ``a=rtpmap``. The clock rate
matters for jitter: G.722 is sampled at 16 kHz but its RTP clock is 8 kHz (RFC 3551).
"""

NAMES = {
    "pcmu": 0, "gsm": 3, "g723": 4, "pcma": 8, "g722": 9, "qcelp": 12, "cn": 13, "g729": 18, "g729a": 18,
    "ilbc": 97, "speex": 98, "clearmode": 100, "silk": 301, "isac": 306, "opus": 311, "amr": 320,
    "amr-wb": 321, "g7221": 331, "g726-16": 351, "g726-24": 352, "g726-32": 353, "g726-40": 354,
    "evs": 359, "telephone-event": 400, "t38": 1000,
}
STATIC_CLOCK = {0: 8000, 3: 8000, 4: 8000, 8: 8000, 9: 8000, 13: 8000, 18: 8000, 15: 8000}
TELEPHONE_EVENT = 400
FAX_T38 = 1000


def codec_code(name, pt=None):
    """Code for an rtpmap encoding name; unknown dynamic names fall back to the payload type."""
    code = NAMES.get(name.strip().lower())
    if code is None:
        return pt
    return code


def clock_rate(pt, rtpmap_clock=None):
    """RTP clock in Hz for jitter maths (rtpmap wins, G.722 stays 8000 per RFC 3551)."""
    if pt == 9:
        return 8000
    if rtpmap_clock:
        return rtpmap_clock
    return STATIC_CLOCK.get(pt, 8000)
