"""The one table of codecs: cdr-model code, the name a call record shows, SDP rtpmap, decoder. No Django.

Every fact about a codec is a column of one row: the code stored in the `payload` columns
(cdr-model.md), the name listings show, the `a=rtpmap` that names it in SDP (whose encoding name
capture maps to the code and whose clock is the RTP clock), the label media messages use, and the
FFmpeg decoder with its sample rate. Capture (SDP -> code, RTP clock), the call record and the legacy
listings (code -> name) and media (code -> rtpmap -> decoder) all read this table.
"""

from dataclasses import dataclass, field

TELEPHONE_EVENT = 400
FAX_T38 = 1000
NOT_SPEECH = frozenset({13, TELEPHONE_EVENT})  # comfort noise and DTMF events: nothing to play


@dataclass(frozen=True)
class Codec:
    code: int  # cdr-model code
    name: str  # as call records and listings show it
    rtpmap: str = ""  # "encoding/clock[/channels]"; "" for codes that only the sniffer's own analysis sets
    label: str = ""  # as media messages name it (default: name)
    decoder: str | None = None  # FFmpeg decoder; None: known and labelled, not decoded
    rate: int = 0  # audio sample rate (default: the RTP clock; G.722 samples at twice its clock)
    streamable: bool = False  # decoding concatenated payloads gives concatenated PCM
    samples_per_byte: int = 0
    aliases: tuple = ()  # other rtpmap encoding names for this code
    variant: tuple | None = None  # (encoding, clock) an rtpmap gives for this code (SILK, iSAC by clock)
    encodings: tuple = field(init=False)
    clock: int = field(init=False)

    def __post_init__(self):
        encoding, _sep, rest = self.rtpmap.partition("/")
        clock = rest.partition("/")[0]
        object.__setattr__(self, "encodings", (encoding, *self.aliases) if encoding else ())
        object.__setattr__(self, "clock", int(clock) if clock.isdigit() else 8000)
        object.__setattr__(self, "label", self.label or self.name)
        object.__setattr__(self, "rate", self.rate or self.clock)


CODECS = (
    Codec(0, "PCMU", "PCMU/8000", "G.711 u-law", "pcm_mulaw", streamable=True, samples_per_byte=1),
    Codec(3, "GSM", "GSM/8000", decoder="gsm"),
    Codec(4, "G723", "G723/8000", "G.723.1", "g723_1"),
    Codec(8, "PCMA", "PCMA/8000", "G.711 A-law", "pcm_alaw", streamable=True, samples_per_byte=1),
    Codec(9, "G722", "G722/8000", "G.722", "g722", rate=16000, streamable=True, samples_per_byte=2),  # RFC 3551
    Codec(12, "QCELP", "QCELP/8000"),
    Codec(13, "CN", "CN/8000"),
    Codec(18, "G729", "G729/8000", "G.729", "g729", aliases=("G729A",)),
    Codec(97, "iLBC", "iLBC/8000", decoder="ilbc"),
    Codec(98, "Speex", "speex/8000", decoder="speex"),
    Codec(100, "clearmode", "CLEARMODE/8000"),
    Codec(301, "SILK", "SILK/8000"),
    Codec(302, "SILK8", variant=("SILK", 8000)),
    Codec(303, "SILK12", variant=("SILK", 12000)),
    Codec(304, "SILK16", variant=("SILK", 16000)),
    Codec(305, "SILK24", variant=("SILK", 24000)),
    Codec(306, "iSAC", "iSAC/16000"),
    Codec(307, "iSAC16", variant=("ISAC", 16000)),
    Codec(308, "iSAC32", variant=("ISAC", 32000)),
    Codec(311, "OPUS", "opus/48000/2", "Opus", "opus"),
    Codec(312, "OPUS8"),
    Codec(313, "OPUS12"),
    Codec(314, "OPUS16"),
    Codec(315, "OPUS24"),
    Codec(316, "OPUS48"),
    Codec(320, "AMR", "AMR/8000", decoder="libopencore_amrnb"),
    Codec(321, "AMR-WB", "AMR-WB/16000", decoder="libopencore_amrwb"),
    Codec(331, "G722.1-24", "G7221/16000", "G.722.1"),
    Codec(332, "G722.1-32"),
    Codec(333, "G722.1-48"),
    Codec(334, "G722.1C-24"),
    Codec(335, "G722.1C-32"),
    Codec(336, "G722.1C-48"),
    Codec(351, "G726-16", "G726-16/8000", "G.726-16"),
    Codec(352, "G726-24", "G726-24/8000", "G.726-24"),
    Codec(353, "G726-32", "G726-32/8000", "G.726-32"),
    Codec(354, "G726-40", "G726-40/8000", "G.726-40"),
    Codec(359, "EVS", "EVS/16000"),
    Codec(TELEPHONE_EVENT, "telephone-event", "telephone-event/8000"),
    Codec(FAX_T38, "T.38", "t38/8000"),
    Codec(1001, "T.30"),
    Codec(10000, "video"),
)
BY_CODE = {codec.code: codec for codec in CODECS}
BY_ENCODING = {encoding.lower(): codec for codec in CODECS for encoding in codec.encodings}
BY_VARIANT = {codec.variant: codec for codec in CODECS if codec.variant}
STATIC = {codec.code: codec for codec in CODECS if codec.code < 96 and codec.rtpmap}  # static payload types


def codec_name(code):
    """The name a call record shows for a payload code ('' for none, the number for an unknown code)."""
    if code is None:
        return ""
    codec = BY_CODE.get(code)
    return codec.name if codec else str(code)


def codec_code(name, pt=None):
    """Code for an rtpmap encoding name; unknown dynamic names fall back to the payload type."""
    codec = BY_ENCODING.get(name.strip().lower())
    return pt if codec is None else codec.code


def clock_rate(pt, rtpmap_clock=None):
    """RTP clock in Hz for jitter maths (rtpmap wins, G.722 stays 8000 per RFC 3551)."""
    if pt == 9:
        return 8000
    if rtpmap_clock:
        return rtpmap_clock
    codec = STATIC.get(pt)
    return codec.clock if codec else 8000


def rtpmap_for_code(code):
    """The rtpmap that names a stored code in SDP terms, or None for codes with no rtpmap."""
    codec = BY_CODE.get(code)
    return codec.rtpmap if codec and codec.rtpmap else None
