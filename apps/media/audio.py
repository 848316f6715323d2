"""A call recording: caller on the left channel, callee on the right, on the call's clock.

The output is produced chunk by chunk (a few seconds of audio at a time) so an hour-long call is
written without holding the decoded hour in memory, and can be streamed to an HTTP response.
"""

import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import av
import numpy as np

from .codecs import CodecSpec, codec_is_audio, codec_resolve
from .errors import MediaError
from .i18n import _
from .timeline import packet_columns, stream_end_estimate, stream_pieces, stream_start

CHUNK_SECONDS = 4
FORMATS = ("wav", "ogg")
CONTENT_TYPES = {"wav": "audio/x-wav", "ogg": "audio/ogg"}
OGG_BIT_RATE = 32000  # stereo speech: 16 kbit/s a channel is transparent for 8-16 kHz voice in Opus


@dataclass(eq=False)
class MediaStream:
    """One direction of RTP held in memory: packets (apps.capture.rtpstream.RtpPacket) and the codec
    that the SDP named for it (`rtpmap` such as "opus/48000/2"; static payload types need none).

    The recording code reads any stream through `rtp_columns` and `rtp_payloads`, so a stream whose
    packets stay in the capture file (apps.media.streams.IndexedStream) renders the same way."""

    packets: list
    payload_type: int
    rtpmap: str | None = None

    def rtp_columns(self) -> np.ndarray:
        if "_columns" not in vars(self):
            self._columns = packet_columns(self.packets)
        return self._columns

    def rtp_payloads(self, off: np.ndarray, _plen: np.ndarray) -> list[bytes]:
        return [self.packets[i].payload for i in off.tolist()]


@dataclass
class RecordingInfo:
    rate: int
    samples: int
    origin: float
    skipped: list = field(default_factory=list)  # MediaError texts of streams we could not decode

    @property
    def duration(self) -> float:
        return self.samples / self.rate


def _playable(streams: Iterable, skipped: list) -> list[tuple[object, CodecSpec]]:
    """The streams that carry decodable speech. Undecodable ones are noted, not fatal, as long as
    something else in the call plays; DTMF-only and CN-only streams are silently not audio."""
    out = []
    for stream in streams:
        try:
            spec = codec_resolve(stream.payload_type, getattr(stream, "rtpmap", None))
        except MediaError as exc:
            skipped.append(exc)
            continue
        if codec_is_audio(spec) and stream_start(stream, spec) is not None:
            out.append((stream, spec))
    return out


def recording_plan(caller_streams, callee_streams, *, call_start=None, call_end=None, start_at=None):
    """Decide rate, origin and length before decoding anything (the WAV header needs the length).

    Raises MediaError when the call has no audio to play: no RTP at all, fax only, or only codecs
    we cannot decode (the error then names the codec)."""
    skipped: list = []
    sides = [_playable(caller_streams or [], skipped), _playable(callee_streams or [], skipped)]
    playable = sides[0] + sides[1]
    if not playable:
        if skipped:
            raise skipped[0]
        raise MediaError(_("the call has no audio: no RTP voice stream was captured"))
    rate = max(spec.rate for _stream, spec in playable)
    first = min(stream_start(s, spec) for s, spec in playable)
    origin = start_at if start_at is not None else (call_start if call_start is not None else first)
    end = max(stream_end_estimate(s, spec, origin) for s, spec in playable)
    if call_end is not None:
        end = max(end, call_end - origin)
    if end <= 0:
        raise MediaError(_("the call has no audio after the requested start"))
    info = RecordingInfo(rate=rate, samples=int(round(end * rate)), origin=origin, skipped=[str(e) for e in skipped])
    return info, sides


class _Source:
    """A lazily decoded stream that adds its samples into whichever output chunk they fall in."""

    def __init__(self, pieces: Iterator):
        self.pieces = pieces
        self.piece = None

    def add_into(self, buf: np.ndarray, a: int) -> None:
        b = a + len(buf)
        while True:
            if self.piece is None:
                self.piece = next(self.pieces, None)
                if self.piece is None:
                    return
            start, pcm = self.piece
            end = start + len(pcm)
            if start >= b:
                return
            if end > a:
                lo, hi = max(a, start), min(b, end)
                buf[lo - a : hi - a] += pcm[lo - start : hi - start]
            if end > b:
                return
            self.piece = None


def recording_chunks(info: RecordingInfo, sides) -> Iterator[np.ndarray]:
    """Interleaved stereo int16 chunks (samples x 2). Overlapping streams on one side are mixed."""
    sources = [[_Source(stream_pieces(s, info.origin, info.rate, spec)) for s, spec in side] for side in sides]
    step = CHUNK_SECONDS * info.rate
    for a in range(0, info.samples, step):
        n = min(step, info.samples - a)
        out = np.zeros((n, 2), dtype=np.int16)
        for channel, side in enumerate(sources):
            if len(side) == 1:
                buf = np.zeros(n, dtype=np.int16)
                side[0].add_into(buf, a)
            else:
                buf = np.zeros(n, dtype=np.int32)
                for source in side:
                    source.add_into(buf, a)
                buf = np.clip(buf, -32768, 32767)
            out[:, channel] = buf
        yield out


def wav_header(rate: int, samples: int, channels: int = 2) -> bytes:
    """A canonical 44-byte PCM WAV header; the length is known up front, so output can stream."""
    data = samples * channels * 2
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * channels * 2, channels * 2, 16)
        + b"data"
        + struct.pack("<I", data)
    )


def _ogg_encoder_name() -> str:
    for name in ("libopus", "libvorbis", "vorbis"):
        try:
            av.codec.Codec(name, "w")
        except (av.error.FFmpegError, ValueError):
            continue
        return name
    raise MediaError(_("no Ogg audio encoder (Opus or Vorbis) is available"))


def _ogg_write(out, info: RecordingInfo, chunks: Iterator[np.ndarray]) -> None:
    """Encode to Ogg with libopus (or Vorbis when it is missing); Opus takes 8/16/48 kHz as is."""
    encoder = _ogg_encoder_name()
    with av.open(out, "w", format="ogg") as container:
        stream = container.add_stream(encoder, rate=info.rate)
        stream.layout = "stereo"
        stream.bit_rate = OGG_BIT_RATE
        if encoder == "vorbis":
            stream.codec_context.options = {"strict": "experimental"}
        else:
            stream.codec_context.options = {"compression_level": "5"}
        resampler = av.AudioResampler(format=stream.format.name, layout="stereo", rate=stream.rate)
        pts = 0
        for chunk in chunks:
            frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="s16", layout="stereo")
            frame.sample_rate, frame.pts = info.rate, pts
            pts += len(chunk)
            for converted in resampler.resample(frame):
                container.mux(stream.encode(converted))
        for converted in resampler.resample(None):
            container.mux(stream.encode(converted))
        container.mux(stream.encode(None))


def call_recording_write(
    out, caller_streams, callee_streams, *, fmt="wav", call_start=None, call_end=None, start_at=None
) -> RecordingInfo:
    """Write the stereo recording of a call to the binary file-like `out` (WAV or Ogg).

    `call_start` (epoch seconds) is the time origin of both channels (default: the first voice
    packet); `start_at` overrides it to begin later (the 200 OK, for saveaudio_afterconnect);
    `call_end` pads the end with silence up to the call's end."""
    if fmt not in FORMATS:
        raise MediaError(_("audio format {fmt} is not supported; use wav or ogg"), fmt=fmt)
    info, sides = recording_plan(
        caller_streams, callee_streams, call_start=call_start, call_end=call_end, start_at=start_at
    )
    chunks = recording_chunks(info, sides)
    if fmt == "ogg":
        _ogg_write(out, info, chunks)
        return info
    out.write(wav_header(info.rate, info.samples))
    for chunk in chunks:
        out.write(chunk.tobytes())
    return info


def call_recording_wav_stream(caller_streams, callee_streams, **kwargs) -> tuple[RecordingInfo, Iterator[bytes]]:
    """The WAV as a generator of byte chunks, for a streaming HTTP response; errors about missing
    audio are raised here, before the first byte, so the caller can still answer with JSON."""
    info, sides = recording_plan(caller_streams, callee_streams, **kwargs)

    def gen():
        yield wav_header(info.rate, info.samples)
        for chunk in recording_chunks(info, sides):
            yield chunk.tobytes()

    return info, gen()
