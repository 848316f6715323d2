"""A call's RTP streams, read from its stored pcap with the capture app's reader, split by side.

There is one RTP reader in the code base (`apps.capture.rtpstream`); this module only turns its
index into streams and decides which of them make the caller's and the callee's channel. A stream
keeps its packets' columns (25 bytes a packet) and leaves the payloads in the file, so an hour-long
call is not loaded into memory: the recording reads them back a window at a time.
The call record says which stream is whose: every stored stream row carries its 5-tuple, SSRC,
side (caller / callee) and codec code (cdr-model.md), so no SDP has to be parsed again here.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from apps.capture.rtpstream import RtpIndex, StreamKey, index_packets, rtp_index
from apps.core.codecs import rtpmap_for_code

from .audio import MediaStream

OVERLAP_SECONDS = 0.5  # two streams of one side that overlap longer than this are copies of each other


@dataclass(eq=False)
class CallStream(MediaStream):
    """A MediaStream that knows where it came from (saddr, sport, daddr, dport, ssrc)."""

    key: StreamKey | None = None

    @property
    def span(self) -> tuple[float, float]:
        return self.packets[0].arrival_ts, self.packets[-1].arrival_ts


class IndexedStream:
    """A stream of a capture file: columns from the reader's index, payloads read from the file when
    the recording needs them. `packets` builds the objects on demand (tests and tools only)."""

    def __init__(self, index: RtpIndex, key: StreamKey, rtpmap: str | None = None, payload_type: int | None = None):
        self.index, self.key, self.rtpmap = index, key, rtpmap
        self.columns = index.streams[key]
        self.payload_type = dominant_payload_type(self.columns) if payload_type is None else payload_type

    def rtp_columns(self) -> np.ndarray:
        return self.columns

    def rtp_payloads(self, off: np.ndarray, plen: np.ndarray) -> list[bytes]:
        return self.index.payloads(off, plen)

    @property
    def packets(self) -> list:
        if "_packets" not in vars(self):
            self._packets = index_packets(self.index, self.key)
        return self._packets

    @property
    def span(self) -> tuple[float, float]:
        return float(self.columns["arrival"][0]), float(self.columns["arrival"][-1])


def dominant_payload_type(columns) -> int:
    """The most frequent payload type (the first seen among equals), so DTMF or CN packets in a
    stream do not name its codec."""
    if not len(columns):
        return -1
    pts, first, counts = np.unique(columns["b1"] & 0x7F, return_index=True, return_counts=True)
    best = np.flatnonzero(counts == counts.max())
    return int(pts[best[np.argmin(first[best])]])


def media_streams_read(path) -> list[IndexedStream]:
    """Every RTP stream of a capture file, in order of its first packet, codec from the payload type."""
    index = rtp_index(path)
    return sorted((IndexedStream(index, key) for key in index.streams), key=lambda s: s.span[0])


def _rtpmap_for(code, payload_type):
    """Static payload types name their codec; a dynamic one is named by the stored codec code."""
    if code is None or (code == payload_type and payload_type < 96):
        return None
    return rtpmap_for_code(code)


def _row_key(row: Mapping) -> StreamKey:
    return StreamKey(str(row["saddr"]), int(row["sport"]), str(row["daddr"]), int(row["dport"]), int(row["ssrc"]))


def _without_copies(streams: list) -> list:
    """Keep the best-filled stream of each time span: a relay or a B2BUA with two recorded legs
    carries the same speech twice, and mixing both copies would play it as an echo."""
    kept = []
    for stream in sorted(streams, key=lambda s: len(s.rtp_columns()), reverse=True):
        lo, hi = stream.span
        if all(min(hi, k.span[1]) - max(lo, k.span[0]) <= OVERLAP_SECONDS for k in kept):
            kept.append(stream)
    return sorted(kept, key=lambda s: s.span[0])


def call_streams_split(path, rows: Iterable[Mapping]) -> tuple[list[IndexedStream], list[IndexedStream]]:
    """(caller streams, callee streams) of the call whose stored stream rows are `rows`.

    Packets are read from the call's pcap; a stream the record does not list (or lists on no side)
    is not part of the recording."""
    sides = {}
    for row in rows:
        sides[_row_key(row)] = (row["side"], row.get("payload"))
    caller, callee = [], []
    index = rtp_index(path)
    for key in index.streams:
        if key not in sides:
            continue
        side, code = sides[key]
        pt = dominant_payload_type(index.streams[key])
        stream = IndexedStream(index, key, _rtpmap_for(code, pt), pt)
        (caller if side == "caller" else callee).append(stream)
    return _without_copies(caller), _without_copies(callee)
