"""Several per-call pcaps as one time-ordered capture (getPCAP with cidMerge), streamed.

The legs of a call may come from captures with different link types (Ethernet on one sensor, Linux
cooked capture on another). Classic pcap holds one link type per file, so when the legs disagree we
write pcapng with one interface per link type instead of rewriting frames; tshark and Wireshark read
both. Legs of one capture can share packets (a B2BUA whose legs use the same media, or one RTP
stream listed on both legs): a record identical in time and bytes is written once.
"""

import heapq
import struct
from collections.abc import Iterator

from apps.capture.pcapio import pcap_header, pcap_iter_file, pcap_record

PCAP_SNAPLEN = 262144
FLUSH_BYTES = 1 << 16


def _ng_block(block_type: int, body: bytes) -> bytes:
    body += b"\x00" * (-len(body) % 4)
    length = len(body) + 12
    return struct.pack("<II", block_type, length) + body + struct.pack("<I", length)


def _ng_section_header() -> bytes:
    return _ng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))


def _ng_interface(linktype: int) -> bytes:
    # if_tsresol left at its default (microseconds)
    return _ng_block(1, struct.pack("<HHI", linktype, 0, PCAP_SNAPLEN))


def _ng_packet(interface: int, ts: float, data: bytes) -> bytes:
    usec = int(round(ts * 1e6))
    head = struct.pack("<IIIII", interface, usec >> 32, usec & 0xFFFFFFFF, len(data), len(data))
    return _ng_block(6, head + data)


def _linktype(path) -> int | None:
    for _ts, linktype, _data in pcap_iter_file(path):
        return linktype
    return None


def _records(path, order: int) -> Iterator[tuple]:
    for n, (ts, linktype, data) in enumerate(pcap_iter_file(path)):
        yield ts, order, n, linktype, data


def _merged(paths: list) -> Iterator[tuple]:
    """(ts, linktype, data) of every file, oldest first; a packet found in two legs comes once."""
    if len(paths) == 1:
        yield from pcap_iter_file(paths[0])
        return
    merged = heapq.merge(*(_records(p, i) for i, p in enumerate(paths)), key=lambda r: (r[0], r[1], r[2]))
    last_ts, seen = None, {}
    for ts, order, _n, linktype, data in merged:
        if ts != last_ts:
            last_ts, seen = ts, {}
        if seen.setdefault((linktype, data), order) != order:
            continue  # the same packet, already written from another leg
        yield ts, linktype, data


def pcap_merge_stream(paths: list, transform=None) -> tuple[str, Iterator[bytes]]:
    """("pcap" or "pcapng", chunks of the merged capture) of `paths`, oldest packet first.

    `transform`, when given, takes the iterator of (ts, linktype, data) and returns another one (the
    sharing app's anonymiser rewrites packets on their way out)."""
    linktypes = []
    for path in paths:
        lt = _linktype(path)
        if lt is not None and lt not in linktypes:
            linktypes.append(lt)
    kind = "pcapng" if len(linktypes) > 1 else "pcap"

    def chunks():
        buf = []
        size = 0
        if kind == "pcap":
            buf.append(pcap_header(linktypes[0] if linktypes else 1, snaplen=PCAP_SNAPLEN))
        else:
            buf.append(_ng_section_header())
            buf.extend(_ng_interface(lt) for lt in linktypes)
        records = _merged(paths)
        for ts, linktype, data in transform(records) if transform else records:
            record = pcap_record(ts, data) if kind == "pcap" else _ng_packet(linktypes.index(linktype), ts, data)
            buf.append(record)
            size += len(record)
            if size >= FLUSH_BYTES:
                yield b"".join(buf)
                buf, size = [], 0
        yield b"".join(buf)

    return kind, chunks()
