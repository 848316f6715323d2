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

from apps.capture.rtpstream import COLUMNS

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


def _voice_order(cols: np.ndarray, pt: int) -> np.ndarray:
    """Row numbers of the packets that carry this stream's speech, in sequence order, without
    duplicates (the first copy wins): other payload types (RFC 4733 events, comfort noise) and empty
    (paused) payloads are left out, so their span becomes silence."""
    rows = np.flatnonzero(((cols["b1"] & 0x7F) == pt) & (cols["plen"] > 0))
    if len(rows) < 2:
        return rows
    _values, first = np.unique(_unwrap(cols["seq"][rows], 16), return_index=True)
    return rows[first]


def packet_columns(pkts: list) -> np.ndarray:
    """In-memory packets (RtpPacket) as the reader's columns; `off` is the packet's list index."""
    cols = np.zeros(len(pkts), dtype=COLUMNS)
    if pkts:
        cols["arrival"] = [p[0] for p in pkts]
        cols["seq"], cols["ts"] = [p[1] for p in pkts], [p[2] for p in pkts]
        cols["b1"] = [(p[3] & 0x7F) | (0x80 if p[5] else 0) for p in pkts]
        cols["plen"], cols["off"] = [len(p[6]) for p in pkts], np.arange(len(pkts))
    return cols


def voice_packets(stream, spec: CodecSpec) -> list:
    """The speech packets of a stream as RtpPacket objects, in sequence order (for tests and tools;
    the recording itself works on columns)."""
    order = _voice_order(stream.rtp_columns(), stream.payload_type)
    return [stream.packets[i] for i in order.tolist()]


def _segments(arrival: np.ndarray, ts_raw: np.ndarray, spec: CodecSpec):
    """Timestamps relative to the first packet, and (lo, hi, epoch of timestamp 0) per segment of
    packets that share one timestamp -> time mapping."""
    n = len(arrival)
    ts = _unwrap(ts_raw, 32)
    ts -= ts[0]
    transit = arrival - ts / spec.clock
    breaks = np.flatnonzero(np.abs(np.diff(transit)) > RESYNC_SECONDS) + 1
    bounds = zip(np.concatenate(([0], breaks)), np.concatenate((breaks, [n])), strict=True)
    return ts, [(lo, hi, float(transit[lo:hi].min())) for lo, hi in bounds]


def _positions(ts: np.ndarray, segments: list, spec: CodecSpec, origin: float) -> np.ndarray:
    positions = np.empty(len(ts), dtype=np.int64)
    for lo, hi, zero in segments:
        base = int(round((zero - origin) * spec.rate))
        positions[lo:hi] = base + (ts[lo:hi] * spec.rate) // spec.clock
    return positions


def packet_positions(pkts: list, spec: CodecSpec, origin: float) -> np.ndarray:
    """Sample index (at the codec's output rate, from `origin`) where each packet's audio starts."""
    cols = packet_columns(pkts)
    return _positions(*_segments(cols["arrival"], cols["ts"], spec), spec, origin)


class Track:
    """One stream's speech in sequence order as columns, its timestamp -> time mapping worked out
    once (the plan and the rendering both need it); payload bytes stay where the stream keeps them
    (the capture file) and are fetched a run at a time."""

    def __init__(self, stream, spec: CodecSpec):
        cols = stream.rtp_columns()
        order = _voice_order(cols, stream.payload_type)
        self.spec, self.fetch = spec, stream.rtp_payloads
        self.plen, self.off = cols["plen"][order].astype(np.int64), cols["off"][order]
        self.ts, self.segments = None, []
        if len(order):
            self.ts, self.segments = _segments(cols["arrival"][order], cols["ts"][order], spec)

    def __len__(self):
        return len(self.plen)

    def positions(self, origin: float) -> np.ndarray:
        return _positions(self.ts, self.segments, self.spec, origin)

    def payloads(self, lo: int, hi: int) -> list[bytes]:
        return self.fetch(self.off[lo:hi], self.plen[lo:hi])


def stream_track(stream, spec: CodecSpec) -> Track:
    """The stream's Track for `spec`, built on first use and kept on the stream."""
    tracks = vars(stream).setdefault("_tracks", {})
    if spec not in tracks:
        tracks[spec] = Track(stream, spec)
    return tracks[spec]


def stream_start(stream, spec: CodecSpec) -> float | None:
    """Epoch time where the stream's first audio sample belongs (it can precede the first arrival
    slightly: the first packet may itself have been delayed), None when it carries no speech."""
    track = stream_track(stream, spec)
    if not len(track):
        return None
    return min(zero + track.ts[lo] / spec.clock for lo, _hi, zero in track.segments)


def _decoded_runs(track: Track, positions: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """(position, pcm) per packet, or per run of contiguous packets for streamable codecs, where
    one FFmpeg call per run instead of per packet is what makes an hour decode in seconds."""
    spec, n = track.spec, len(track)
    decoder = payload_decoder_create(spec, track.payloads(0, 1)[0])
    if not spec.streamable:
        for lo in range(0, n, RUN_PACKETS):
            hi = min(n, lo + RUN_PACKETS)
            for payload, pos in zip(track.payloads(lo, hi), positions[lo:hi].tolist(), strict=True):
                yield pos, decoder.decode(payload)
        return
    lengths = track.plen * spec.samples_per_byte
    breaks = np.flatnonzero(positions[1:] != positions[:-1] + lengths[:-1]) + 1
    bounds = np.concatenate(([0], breaks, [n])).tolist()
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        for lo in range(a, b, RUN_PACKETS):
            hi = min(b, lo + RUN_PACKETS)
            yield int(positions[lo]), decoder.decode(b"".join(track.payloads(lo, hi)))


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
    track = stream_track(stream, spec)
    if not len(track):
        return
    for start, pcm in _pieces_native(_decoded_runs(track, track.positions(origin)), spec.rate):
        if spec.rate != out_rate:
            start, pcm = start * out_rate // spec.rate, _resample(pcm, spec.rate, out_rate)
        if start < 0:
            pcm, start = pcm[-start:], 0
        if len(pcm):
            yield start, pcm


def stream_end_estimate(stream, spec: CodecSpec, origin: float) -> float:
    """Seconds from `origin` to the end of the stream's last packet, computed from positions
    and the usual packet duration, so the recording length is known before decoding."""
    track = stream_track(stream, spec)
    if not len(track):
        return 0.0
    positions = track.positions(origin)
    step = int(np.median(np.diff(positions))) if len(positions) > 1 else spec.rate // 50
    last = int(track.plen[-1]) * spec.samples_per_byte if spec.streamable else step
    return float(positions.max() + max(last, 0)) / spec.rate
