"""RTP payload -> 16-bit PCM, through FFmpeg's decoders (PyAV).

We do not hand-write codecs: FFmpeg's are maintained, fuzzed and bit-exact where the standard says
so. This module only knows how RTP names a codec (static payload type or SDP rtpmap), which FFmpeg
decoder and sample rate that means, and the cdr-model codec code to show when we cannot decode it;
all of those are columns of the one codec table, `apps.core.codecs`.
"""

from dataclasses import dataclass

import av
import numpy as np

from apps.core.codecs import BY_CODE, BY_VARIANT, CODECS, NOT_SPEECH, STATIC

from .amr import amr_payload_to_storage
from .errors import MediaError
from .i18n import _


@dataclass(frozen=True)
class CodecSpec:
    """What a payload means. `streamable`: decoding the concatenation of payloads gives the
    concatenation of their PCM (sample codecs with no framing), which lets us decode long runs of
    packets in one FFmpeg call; `samples_per_byte` then gives each packet's share of the output."""

    code: int
    label: str
    decoder: str | None
    rate: int
    clock: int
    streamable: bool = False
    samples_per_byte: int = 0
    options: tuple = ()

    @property
    def decodable(self) -> bool:
        return self.decoder is not None


def _spec(code: int, clock: int | None = None) -> CodecSpec:
    codec = BY_CODE[code]
    rate = codec.rate if clock is None else clock
    return CodecSpec(
        codec.code, codec.label, codec.decoder, rate, clock or codec.clock, codec.streamable, codec.samples_per_byte
    )


# What we decode (or play as silence: comfort noise, DTMF events), built from the one codec table.
_SPECS = {c.code: _spec(c.code) for c in CODECS if c.decoder or c.code in NOT_SPEECH}
PCMU, PCMA, G722, GSM, G723, G729 = (_SPECS[code] for code in (0, 8, 9, 3, 4, 18))
ILBC, OPUS, AMR, AMR_WB, SPEEX, CN, TELEPHONE_EVENT = (_SPECS[code] for code in (97, 311, 320, 321, 98, 13, 400))

_STATIC = {code: spec for code, spec in _SPECS.items() if code in STATIC}
_STATIC_UNDECODABLE = {code: (code, c.label) for code, c in STATIC.items() if code not in _SPECS}
_BY_NAME = {name.upper(): _SPECS[c.code] for c in CODECS if c.code in _SPECS for name in c.encodings}
# rtpmap names we can label with a cdr-model code but not decode (no FFmpeg decoder, or no
# agreed RTP packing we could verify).
_UNDECODABLE = {name.upper(): (c.code, c.label) for c in CODECS if c.code not in _SPECS for name in c.encodings}


def _rtpmap_parts(rtpmap: str):
    name, _sep, rest = rtpmap.strip().partition("/")
    clock = rest.partition("/")[0]
    return name.upper(), int(clock) if clock.isdigit() else 0


def codec_resolve(payload_type: int, rtpmap: str | None = None) -> CodecSpec:
    """The codec of a stream, from its SDP rtpmap when there is one, else the static payload type.

    Raises MediaError naming the codec when we know it but cannot decode it, so callers never
    produce an empty recording by accident."""
    if rtpmap:
        name, clock = _rtpmap_parts(rtpmap)
        if name in _BY_NAME:
            spec = _BY_NAME[name]
            return spec if name != "SPEEX" or clock in (0, 8000) else _speex_at(clock)
        code, label = _UNDECODABLE.get(name, (None, rtpmap))
        variant = BY_VARIANT.get((name, clock))  # SILK and iSAC have a code per clock rate
        code = variant.code if variant else code
        raise _cannot_decode(label, payload_type, code)
    if payload_type in _STATIC:
        return _STATIC[payload_type]
    if payload_type in _STATIC_UNDECODABLE:
        code, label = _STATIC_UNDECODABLE[payload_type]
        raise _cannot_decode(label, payload_type, code)
    if payload_type >= 96:
        raise MediaError(
            _("payload type {payload_type} is dynamic and no rtpmap names its codec"), payload_type=payload_type
        )
    raise _cannot_decode(_("payload type {payload_type}").format(payload_type=payload_type), payload_type, None)


def _speex_at(clock: int) -> CodecSpec:
    return _spec(98, clock)


def _cannot_decode(label: str, payload_type: int, code) -> MediaError:
    shown = code if code is not None else payload_type
    return MediaError(_("codec {codec} (payload {payload}) cannot be decoded"), codec=label, payload=shown)


def codec_is_audio(spec: CodecSpec) -> bool:
    """False for the RTP payloads that carry no speech to play (DTMF events, comfort noise)."""
    return spec.code not in NOT_SPEECH


def pcm_from_frame(frame) -> np.ndarray:
    """One decoded frame as mono int16, whatever sample format or layout the decoder chose."""
    arr = frame.to_ndarray()
    channels = frame.layout.nb_channels
    if not frame.format.is_planar and channels > 1:
        arr = arr.reshape(-1, channels).T
    if arr.dtype.kind == "f":
        arr = np.clip(arr * 32768.0, -32768, 32767)
    if arr.shape[0] > 1:
        arr = arr.mean(axis=0)
    return np.asarray(arr, dtype=np.int16).reshape(-1)


class PayloadDecoder:
    """A stateful decoder for one stream: predictive codecs carry state from packet to packet,
    so a stream must use one decoder, fed in sequence order."""

    def __init__(self, spec: CodecSpec, *, block_align: int = 0):
        if not spec.decodable:
            raise _cannot_decode(spec.label, spec.code, spec.code)
        self.spec = spec
        self.ctx = av.CodecContext.create(spec.decoder, "r")
        self.ctx.sample_rate = spec.rate
        self.ctx.layout = "mono"
        if block_align:
            self.ctx.options = {"block_align": str(block_align)}
        self.bad_packets = 0

    def decode(self, payload: bytes) -> np.ndarray:
        """PCM for one payload; a payload FFmpeg rejects counts as lost (empty result)."""
        if self.spec is AMR or self.spec is AMR_WB:
            payload = amr_payload_to_storage(payload, wideband=self.spec is AMR_WB)
        try:
            frames = self.ctx.decode(av.Packet(payload))
        except (av.error.FFmpegError, ValueError):
            self.bad_packets += 1
            return np.zeros(0, dtype=np.int16)
        if not frames:
            return np.zeros(0, dtype=np.int16)
        if len(frames) == 1:
            return pcm_from_frame(frames[0])
        return np.concatenate([pcm_from_frame(f) for f in frames])


def payload_decoder_create(spec: CodecSpec, first_payload: bytes = b"") -> PayloadDecoder:
    """A decoder for `spec`; iLBC needs its frame size (20 or 30 ms mode) from the payload length."""
    if spec is ILBC:
        size = len(first_payload)
        block = 50 if size and size % 50 == 0 else 38
        return PayloadDecoder(spec, block_align=block)
    return PayloadDecoder(spec)
