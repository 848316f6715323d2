"""Where each RTP packet's audio belongs on the call's clock, and one stream rendered as PCM pieces.

A recording must stay in sync with the call: lost packets and paused spans become silence of the
right length, and the caller's and callee's channels share one time origin. RTP timestamps give
exact spacing inside a talk spurt; arrival times (the capture clock, common to both sides) tie the
stream to the call. We map timestamp to time with the *smallest* transit delay seen
(arrival - timestamp/clock), because network jitter only ever delays a packet, and start a new
mapping when the sender's timestamps jump against the wall clock (hold, re-INVITE, SSRC reuse).
"""

from collections.abc import Iterator

import av
import numpy as np

from .codecs import CodecSpec, codec_resolve, payload_decoder_create

RESYNC_SECONDS = 0.5  # a jump in transit delay beyond this starts a new timestamp -> time mapping
MAX_FILL_SECONDS = 2.0  # gaps up to this are zero-filled inside one piece; longer ones split pieces
RUN_PACKETS = 500  # streamable codecs decode this many contiguous packets per FFmpeg call


def _unwrap(values: np.ndarray, bits: int) -> np.ndarray:
    """Extended sequence numbers / timestamps (RFC 3550 A.1): undo the 16/32-bit wrap."""
    span = 1 << bits
    diffs = np.diff(values.astype(np.int64))
    diffs[diffs < -(span // 2)] += span
    diffs[diffs > span // 2] -= span
    return np.concatenate(([0], np.cumsum(diffs))) + int(values[0])


def voice_packets(stream, spec: CodecSpec) -> list:
    """The packets that carry this stream's speech, in sequence order, without duplicates: other
    payload types (RFC 4733 events, comfort noise) and empty (paused) payloads are left out, so
    their span becomes silence."""
    pt = stream.payload_type
    pkts = [p for p in stream.packets if p[3] == pt and p[6]]
    if len(pkts) < 2:
        return pkts
    ext = _unwrap(np.fromiter((p[1] for p in pkts), dtype=np.int64, count=len(pkts)), 16)
    _values, first = np.unique(ext, return_index=True)  # sorted by extended seq, first copy wins
    return [pkts[i] for i in first]


def _segments(pkts: list, spec: CodecSpec):
    """Timestamps relative to the first packet, and (lo, hi, epoch of timestamp 0) per segment of
    packets that share one timestamp -> time mapping."""
    n = len(pkts)
    arrival = np.fromiter((p[0] for p in pkts), dtype=np.float64, count=n)
    ts = _unwrap(np.fromiter((p[2] for p in pkts), dtype=np.int64, count=n), 32)
    ts -= ts[0]
    transit = arrival - ts / spec.clock
    breaks = np.flatnonzero(np.abs(np.diff(transit)) > RESYNC_SECONDS) + 1
    bounds = zip(np.concatenate(([0], breaks)), np.concatenate((breaks, [n])), strict=True)
    return ts, [(lo, hi, float(transit[lo:hi].min())) for lo, hi in bounds]


def packet_positions(pkts: list, spec: CodecSpec, origin: float) -> np.ndarray:
    """Sample index (at the codec's output rate, from `origin`) where each packet's audio starts."""
    ts, segments = _segments(pkts, spec)
    positions = np.empty(len(pkts), dtype=np.int64)
    for lo, hi, zero in segments:
        base = int(round((zero - origin) * spec.rate))
        positions[lo:hi] = base + (ts[lo:hi] * spec.rate) // spec.clock
    return positions


def stream_start(stream, spec: CodecSpec) -> float | None:
    """Epoch time where the stream's first audio sample belongs (it can precede the first arrival
    slightly: the first packet may itself have been delayed), None when it carries no speech."""
    pkts = voice_packets(stream, spec)
    if not pkts:
        return None
    ts, segments = _segments(pkts, spec)
    return min(zero + ts[lo] / spec.clock for lo, _hi, zero in segments)


def _decoded_runs(spec: CodecSpec, pkts: list, positions: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """(position, pcm) per packet, or per run of contiguous packets for streamable codecs, where
    one FFmpeg call per run instead of per packet is what makes an hour decode in seconds."""
    decoder = payload_decoder_create(spec, pkts[0][6])
    if not spec.streamable:
        for pkt, pos in zip(pkts, positions, strict=True):
            yield int(pos), decoder.decode(pkt[6])
        return
    lengths = np.fromiter((len(p[6]) for p in pkts), dtype=np.int64, count=len(pkts)) * spec.samples_per_byte
    breaks = set((np.flatnonzero(positions[1:] != positions[:-1] + lengths[:-1]) + 1).tolist())
    start = 0
    for i in range(1, len(pkts) + 1):
        if i == len(pkts) or i in breaks or i - start >= RUN_PACKETS:
            yield int(positions[start]), decoder.decode(b"".join(p[6] for p in pkts[start:i]))
            start = i


def _resample(pcm: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Change rate with FFmpeg's swresample; one call per piece keeps the piece's length exact
    up to a sample."""
    if rate_in == rate_out or not len(pcm):
        return pcm
    resampler = av.AudioResampler(format="s16", layout="mono", rate=rate_out)
    frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = rate_in
    out = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    out += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(out) if out else pcm[:0]


def _pieces_native(runs: Iterator, rate: int) -> Iterator[tuple[int, np.ndarray]]:
    """Merge runs into contiguous pieces: short gaps filled with zeros, overlaps trimmed (the
    first packet to claim a sample keeps it), long gaps end a piece."""
    max_fill = int(MAX_FILL_SECONDS * rate)
    start, parts, cursor = None, [], 0
    for pos, pcm in runs:
        if not len(pcm):
            continue
        if start is not None and (pos - cursor > max_fill or cursor - start >= rate * 60):
            yield start, np.concatenate(parts)
            start, parts = None, []
        if start is None:
            start, cursor = pos, pos
        if pos < cursor:
            pcm = pcm[cursor - pos :]
        elif pos > cursor:
            parts.append(np.zeros(pos - cursor, dtype=np.int16))
            cursor = pos
        if len(pcm):
            parts.append(pcm)
            cursor += len(pcm)
    if start is not None and parts:
        yield start, np.concatenate(parts)


def stream_pieces(stream, origin: float, out_rate: int, spec: CodecSpec | None = None):
    """One stream as (start sample at `out_rate`, int16 pcm) pieces in time order, cut at `origin`
    (audio before it is dropped). Lazy: pieces are decoded as the consumer asks for them."""
    spec = spec or codec_resolve(stream.payload_type, getattr(stream, "rtpmap", None))
    pkts = voice_packets(stream, spec)
    if not pkts:
        return
    positions = packet_positions(pkts, spec, origin)
    for start, pcm in _pieces_native(_decoded_runs(spec, pkts, positions), spec.rate):
        if spec.rate != out_rate:
            start, pcm = start * out_rate // spec.rate, _resample(pcm, spec.rate, out_rate)
        if start < 0:
            pcm, start = pcm[-start:], 0
        if len(pcm):
            yield start, pcm


def stream_end_estimate(stream, spec: CodecSpec, origin: float) -> float:
    """Seconds from `origin` to the end of the stream's last packet, computed from positions
    and the usual packet duration, so the recording length is known before decoding."""
    pkts = voice_packets(stream, spec)
    if not pkts:
        return 0.0
    positions = packet_positions(pkts, spec, origin)
    step = int(np.median(np.diff(positions))) if len(positions) > 1 else spec.rate // 50
    last = len(pkts[-1][6]) * spec.samples_per_byte if spec.streamable else step
    return float(positions.max() + max(last, 0)) / spec.rate
