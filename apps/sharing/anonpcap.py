"""The anonymised copy of a classic pcap file, a block of records at a time (no Django here).

A call's capture is almost all RTP, and the rewrite of an RTP packet is the same for every packet of
its flow: new addresses, the IPv4 header checksum and the UDP checksum, same length. Done packet by
packet in Python that cost about 2 µs a packet, many times reading the file, so a block of records
is handled with numpy:

- record boundaries: a run of records of one length is checked in one step (`bounds`);
- a run is a 2-D array (one row per record, no copy): which rows are IPv4 UDP RTP of a media flow,
  both checksums from scratch (the UDP one as the row sums of the segment's 32-bit words, modulo
  0xFFFF a ones' complement sum), the new bytes written in place (`run_rewrite`);
- records outside long runs (two streams of different packet sizes interleaved) get the same
  treatment through gathered indices (`scattered_rewrite`);
- every other record (SIP, RTCP, fragments, other protocols, VLAN tags, RTP of a flow no SDP
  announced) goes through `Anonymizer.frames` one by one, in order; when one of them teaches the
  anonymiser a new media port the rest of the block is looked at again.

So the output is the record-by-record one byte for byte (the share tests compare both on every public
capture), except that addresses of a block's RTP flows are mapped at the start of the block (which only
matters for which of two colliding hashed replacements moves to the next free address).
"""

import struct
from collections.abc import Iterator

import numpy as np

from apps.capture.pcapio import MAX_RECORD, CaptureFormatError, PcapSource

from .anon import ETHERNET, RAW, RAW4, SLL, SLL2, Anonymizer

BLOCK = 1 << 21
IPV4_AT = {ETHERNET: (14, 12), SLL: (16, 14), SLL2: (20, 0), RAW: (0, None), RAW4: (0, None), 12: (0, None)}
RUN_MIN = 8  # records of one length in a row before a run is checked in one numpy step
FEW_FLOWS = 8  # flows told apart by comparison before sorting the rest
MIX = np.uint64(0x9E3779B97F4A7C15)
I64 = np.int64


class BlockRewriter:
    """One file's records a block at a time: `block(buffer, end)` -> (output bytes, bytes used, garbled)."""

    def __init__(self, anonymizer: Anonymizer, source: PcapSource):
        self.anon = anonymizer
        self.resolution = source.resolution
        self.linktype = source.linktype
        self.ip_at = IPV4_AT.get(source.linktype)
        self.caplen = struct.Struct(source.endian + "I").unpack_from
        self.times = struct.Struct(source.endian + "II").unpack_from
        self.lengths = np.dtype(source.endian + "u4")
        self.pack = struct.Struct(source.endian + "IIII").pack
        self.scale = 1 / source.resolution
        self.width = 64  # records checked in one step, grown while runs last
        self.window = Window(*self.ip_at) if self.ip_at is not None else None

    # ---- record boundaries ----------------------------------------------------------------------
    def bounds(self, buf, a: np.ndarray, end: int):
        """(offsets, caplens, runs, end of the last complete record, garbled) of the records in buf[:end];
        runs: (first record index, count, offset, stride) of the runs of equal length found in one step."""
        caplen = self.caplen
        offsets, lengths, runs, pending_o, pending_l = [], [], [], [], []
        p, same, last, width, garbled, index = 0, 0, -1, self.width, False, 0
        while p + 16 <= end:
            length = caplen(buf, p + 8)[0]
            if length > MAX_RECORD:
                garbled = True
                break
            stride = 16 + length
            if p + stride > end:
                break
            same = same + 1 if length == last else 0
            last = length
            if same >= RUN_MIN and (end - p) // stride >= RUN_MIN:
                back = min(same, len(pending_o))  # the run starts with the records of this length just seen
                if back:
                    p, index = p - back * stride, index - back
                    del pending_o[-back:], pending_l[-back:]
                count = min((end - p) // stride, width)
                at = p + stride * np.arange(count, dtype=I64)
                found = np.ndarray((count,), self.lengths, buffer=a, offset=p + 8, strides=(stride,))
                other = np.flatnonzero(found != length)
                run = int(other[0]) if other.size else count
                if pending_o:
                    offsets.append(np.array(pending_o, I64))
                    lengths.append(np.array(pending_l, I64))
                    pending_o, pending_l = [], []
                offsets.append(at[:run])
                lengths.append(np.full(run, length, I64))
                runs.append((index, run, p, stride))
                index += run
                p += run * stride
                width = min(width * 2, 16384) if run == count else max(64, run * 2)
                same = 0 if run < count else same
                continue
            pending_o.append(p)
            pending_l.append(length)
            index += 1
            p += stride
        self.width = width
        if pending_o:
            offsets.append(np.array(pending_o, I64))
            lengths.append(np.array(pending_l, I64))
        if not offsets:
            return np.zeros(0, I64), np.zeros(0, I64), runs, p, garbled
        return np.concatenate(offsets), np.concatenate(lengths), runs, p, garbled

    # ---- flows ----------------------------------------------------------------------------------
    def flow_table(self, flow: np.ndarray):
        """Rows of (addresses, ports) bytes -> (media?, new address bytes, their sum mod 0xFFFF) per row."""
        rows = len(flow)
        low = flow[:, :8].copy().view(np.uint64).ravel()
        high = flow[:, 8:12].copy().view(np.uint32).ravel()
        label = np.full(rows, -1, I64)
        keys = []
        todo = np.arange(rows)
        while len(todo) and len(keys) < FEW_FLOWS:
            row = todo[0]
            same = (low[todo] == low[row]) & (high[todo] == high[row])
            label[todo[same]] = len(keys)
            keys.append(flow[row].tobytes())
            todo = todo[~same]
        if len(todo):  # many flows: sort the rest by a hash; a row unlike its group's first takes the slow path
            mixed = low[todo] ^ (high[todo].astype(np.uint64) * MIX)
            _values, first, inverse = np.unique(mixed, return_index=True, return_inverse=True)
            lead = todo[first][inverse]
            exact = (low[todo] == low[lead]) & (high[todo] == high[lead])
            label[todo[exact]] = len(keys) + inverse[exact]
            keys += [flow[todo[f]].tobytes() for f in first]
        media = np.zeros(len(keys) + 1, bool)  # the last entry stands for label -1: not media
        new = np.zeros((len(keys) + 1, 8), np.uint8)
        sums = np.zeros(len(keys) + 1, I64)
        cache, entry_of = self.anon.fast, self.anon.fast_entry
        for n, key in enumerate(keys):
            entry = cache.get(key)
            if entry is None:
                entry = cache[key] = entry_of(key)
            if entry:
                media[n], new[n], sums[n] = True, np.frombuffer(entry[0], np.uint8), entry[1]
        return media[label], new[label], sums[label]

    # ---- RTP of media flows ---------------------------------------------------------------------
    def run_rewrite(self, a: np.ndarray, start: int, count: int, stride: int):
        """The rows of one run (records of one length) that are RTP of a media flow, rewritten in place.

        The rows are told apart by their signature (the header bytes one flow keeps from packet to packet:
        link type, IP version, TOS, length, flags, TTL, protocol, addresses, ports, UDP length, RTP
        version); each signature is checked once, in Python, and its share of both checksums computed
        once. Per row remain the IP identification, the RTP payload type (RTCP is not RTP) and the UDP
        segment's sum. Rows of more than FEW_FLOWS signatures are left to the other paths. Each field is a
        strided view of the block (one number per row), read and written without copying the rows."""
        ip_offset, _type_at = self.ip_at
        window = self.window
        if stride - 16 < ip_offset + 40 or window.base + window.size > stride:
            return None
        h = start + 16 + ip_offset

        def column(at, dtype, width=None):
            shape, strides = ((count,), (stride,)) if width is None else ((count, width), (stride, 8))
            return np.ndarray(shape, dtype, buffer=a, offset=at, strides=strides)

        signature = column(start + window.base, "<u8", window.size // 8) & window.mask
        label = np.full(count, -1, I64)
        leads = [0]
        while True:  # rows equal to a lead are never equal to an earlier one: compare every row with each
            label[window.equal(signature, signature[leads[-1]])] = len(leads) - 1
            nxt = int(np.argmax(label < 0))
            if label[nxt] >= 0 or len(leads) == FEW_FLOWS:
                break
            leads.append(nxt)
        table = [self.lead_entry(a[start + lead * stride : start + (lead + 1) * stride], stride - 16) for lead in leads]
        media = np.array([entry is not None for entry in table] + [False])
        kind = column(h + 29, np.uint8)
        fast = media[label] & ((kind < 200) | (kind > 204))
        rows = np.flatnonzero(fast)
        if not len(rows):
            return None
        new = np.zeros(len(table) + 1, "<u8")
        ip_part, udp_part, udp_len = (np.zeros(len(table) + 1, np.uint64) for _ in range(3))
        for n, entry in enumerate(table):
            if entry is not None:
                new[n], ip_part[n], udp_part[n], udp_len[n] = entry
        pick = slice(None) if len(rows) == count else rows
        label = label[pick]
        sizes = udp_len[label]
        low, high = int(sizes.min()), int(sizes.max())
        if low == high:  # one length, unless some packets of a flow are padded
            sums = run_segment_sums(a, h + 20, count, stride, low, pick)
        else:
            sums = np.zeros(len(label), np.uint64)
            for length in np.unique(sizes).tolist():
                chosen = sizes == length
                sums[chosen] = run_segment_sums(a, h + 20, count, stride, length, pick)[chosen]
        # Little-endian throughout (a ones' complement sum is byte-order blind): the words are read and the
        # checksums written through little-endian views, which swaps their bytes for free.
        total = (ip_part[label] + column(h + 4, "<u2")[pick]) % 0xFFFF
        column(h + 10, "<u2")[pick] = np.where(total == 0, 0, 0xFFFF - total)
        old = column(h + 26, "<u2")[pick]
        total = (sums + (udp_part[label] + 0xFFFF - old)) % 0xFFFF
        column(h + 26, "<u2")[pick] = np.where(old == 0, 0, np.where(total == 0, 0xFFFF, 0xFFFF - total))
        column(h + 12, "<u8")[pick] = new[label]
        return rows

    def lead_entry(self, row: np.ndarray, length: int):
        """For the first record of a signature, when its packets are IPv4 UDP RTP of a media flow: (new
        address bytes, the IPv4 header sum without its identification, the UDP pseudo-header sum, the UDP
        length); else None."""
        ip_offset, type_at = self.ip_at
        h = 16 + ip_offset
        if type_at is not None and (row[16 + type_at] != 8 or row[17 + type_at] != 0):
            return None
        if row[h] != 0x45 or row[h + 9] != 17 or row[h + 6] & 0x3F or row[h + 7] or row[h + 28] & 0xC0 != 0x80:
            return None
        header = row[h : h + 28].tobytes()
        size, udp_len = struct.unpack_from("!H", header, 2)[0], struct.unpack_from("!H", header, 24)[0]
        if size < 28 or ip_offset + size > length or udp_len != size - 20:
            return None
        key = header[12:24]
        entry = self.anon.fast.get(key)
        if entry is None:
            entry = self.anon.fast[key] = self.anon.fast_entry(key)
        if not entry:
            return None
        new, addr_sum = entry
        ip_part = sum(struct.unpack_from("!HHHH", header[:4] + header[6:10])) + addr_sum
        # byte-swapped (x 256 modulo 0xFFFF) for the little-endian sums of run_rewrite
        return int.from_bytes(new, "little"), ip_part * 256 % 0xFFFF, (addr_sum + 17 + udp_len) * 256 % 0xFFFF, udp_len

    def scattered_rewrite(self, a: np.ndarray, offsets, lengths, index):
        """The same for records at any offsets (`index` into offsets): their rows gathered, then put back."""
        ip_offset, type_at = self.ip_at
        index = index[lengths[index] >= ip_offset + 40]
        if not len(index):
            return index
        width = 16 + ip_offset + 40
        rec = a[offsets[index][:, None] + np.arange(width)]
        h = 16 + ip_offset
        ok = rtp_rows(rec, h, None if type_at is None else 16 + type_at)
        total = (rec[:, h + 2].astype(I64) << 8) | rec[:, h + 3]
        ok &= (total >= 28) & (ip_offset + total <= lengths[index])
        ok &= ((rec[:, h + 24].astype(I64) << 8) | rec[:, h + 25]) == total - 20
        media, new, addr_sum = self.flow_table(rec[:, h + 12 : h + 24])
        ok &= media
        index, rec, total, new, addr_sum = index[ok], rec[ok], total[ok], new[ok], addr_sum[ok]
        if not len(index):
            return index
        d = offsets[index] + h
        ip_sum, udp_sum, keep = checksums(rec, h, total - 20, segment_sums(a, d + 20, total - 20), addr_sum)
        a[(d + 12)[:, None] + np.arange(8)] = new
        a[d + 10], a[d + 11] = ip_sum >> 8, ip_sum & 0xFF
        a[d + 26] = np.where(keep, rec[:, h + 26], udp_sum >> 8)
        a[d + 27] = np.where(keep, rec[:, h + 27], udp_sum & 0xFF)
        return index

    # ---- one block ------------------------------------------------------------------------------
    def block(self, out: bytearray, end: int):
        a = np.frombuffer(out, np.uint8, count=end)
        offsets, lengths, runs, used, garbled = self.bounds(out, a, end)
        fast = np.zeros(len(offsets), bool)
        if self.ip_at is not None:
            for first, count, start, stride in runs:
                rows = self.run_rewrite(a, start, count, stride)
                if rows is not None:
                    fast[first + rows] = True
            fast[self.scattered_rewrite(a, offsets, lengths, np.flatnonzero(~fast))] = True
        anon, view = self.anon, memoryview(out)
        pieces, pos = [], 0
        slow = np.flatnonzero(~fast).tolist()
        k = 0
        while k < len(slow):
            n = slow[k]
            at, length = int(offsets[n]), int(lengths[n])
            if at > pos:
                pieces.append(view[pos:at])
            media_before = len(anon.media)
            pieces.append(self.slow_record(view, at, length))
            pos = at + 16 + length
            k += 1
            if len(anon.media) != media_before and self.ip_at is not None:  # a new media port: look again
                later = np.array(slow[k:], I64)
                newly = set(self.scattered_rewrite(a, offsets, lengths, later).tolist())
                slow = slow[:k] + [m for m in slow[k:] if m not in newly]
        if used > pos:
            pieces.append(view[pos:used])
        return b"".join(pieces), used, garbled

    def header(self, ts, length, extra=0):
        sec = int(ts)
        frac = int(round((ts - sec) * self.scale))
        if frac >= self.scale:
            sec, frac = sec + 1, frac - int(self.scale)
        return self.pack(sec, frac, length, length + extra)

    def slow_record(self, view: memoryview, at: int, length: int) -> bytes:
        sec, frac = self.times(view, at)
        data = bytes(view[at + 16 : at + 16 + length])
        out = list(self.anon.frames(sec + frac * self.resolution, self.linktype, data))
        extra = max(0, self.caplen(view, at + 12)[0] - length)
        return b"".join(self.header(t, len(frame), extra if len(out) == 1 else 0) + frame for t, _lt, frame in out)


class Window:
    """The bytes of a run's rows compared to tell flows apart: from the link type (or the IPv4 header) to
    the RTP version, a whole number of 8-byte words. `mask` keeps what one flow keeps from packet to
    packet; `ip` is where the IPv4 header starts in the window."""

    def __init__(self, ip_offset: int, type_at):
        h = 16 + ip_offset
        self.base = h if type_at is None else 16 + type_at
        self.ip = h - self.base
        self.size = (self.ip + 30 + 7) // 8 * 8
        mask = np.zeros(self.size, np.uint8)
        if type_at is not None:
            mask[:2] = 0xFF
        mask[self.ip : self.ip + 26] = 0xFF  # the IPv4 header, ports and UDP length ...
        mask[self.ip + 4 : self.ip + 6] = 0  # ... but its identification
        mask[self.ip + 10 : self.ip + 12] = 0  # ... and its checksum
        mask[self.ip + 28] = 0xC0  # the RTP version
        self.mask = mask.view("<u8")
        self.as_one = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}.get(self.size // 8)

    def equal(self, rows: np.ndarray, lead: np.ndarray) -> np.ndarray:
        """Which rows (masked words) equal the lead's: the row's comparisons seen as one integer of 0x01 bytes."""
        same = rows == lead
        if self.as_one is None:
            return same.all(axis=1)
        return same.view(self.as_one).ravel() == self.as_one(int.from_bytes(b"\x01" * (self.size // 8), "little"))


def run_segment_sums(a: np.ndarray, first: int, count: int, stride: int, length: int, pick):
    """Little-endian 16-bit word sums of the UDP segments of a run (`length` bytes each, `stride` apart):
    the rows' 32-bit words summed (each is two 16-bit words, modulo 0xFFFF the same), then the tail."""
    words = np.ndarray((count, length // 4), "<u4", buffer=a, offset=first, strides=(stride, 4))
    sums = np.einsum("ij->i", words[pick], dtype=np.uint64)  # einsum: about twice sum()'s speed here
    tail = np.ndarray((count, length % 4), np.uint8, buffer=a, offset=first + length // 4 * 4, strides=(stride, 1))
    tail = tail[pick]
    if length % 4 >= 2:
        sums += tail[:, 0] | (tail[:, 1].astype(np.uint64) << 8)
    if length % 2:
        sums += tail[:, -1]
    return sums


def rtp_rows(rec: np.ndarray, h: int, type_at):
    """Rows that hold an unfragmented IPv4 (20-byte header) UDP packet whose payload looks like RTP, not RTCP."""
    ok = (rec[:, h] == 0x45) & (rec[:, h + 9] == 17) & ((rec[:, h + 6] & 0x3F) == 0) & (rec[:, h + 7] == 0)
    if type_at is not None:
        ok &= (rec[:, type_at] == 8) & (rec[:, type_at + 1] == 0)
    kind = rec[:, h + 29]
    return ok & ((rec[:, h + 28] & 0xC0) == 0x80) & ((kind < 200) | (kind > 204))


def checksums(rec: np.ndarray, h: int, udp_len, le_sums, addr_sum):
    """(IPv4 header checksum, UDP checksum, keep the UDP one) per row, from the header words, the segment's
    little-endian word sums (the old checksum included) and the new addresses' sum.

    A ones' complement sum is byte-order blind: the big-endian sum is the little-endian one with its two
    bytes swapped, and sums modulo 0xFFFF are ones' complement sums."""
    words = sum((rec[:, h + k].astype(I64) << 8) | rec[:, h + k + 1] for k in range(0, 10, 2))
    total = (words + addr_sum) % 0xFFFF
    ip_sum = np.where(total == 0, 0, 0xFFFF - total)
    le = le_sums % 0xFFFF
    segment = ((le & 0xFF) << 8) | (le >> 8)
    old = (rec[:, h + 26].astype(I64) << 8) | rec[:, h + 27]
    total = (segment - old + 0xFFFF + addr_sum + 17 + udp_len) % 0xFFFF
    udp_sum = np.where(total == 0, 0xFFFF, 0xFFFF - total)
    return ip_sum, udp_sum, old == 0  # IPv4 UDP sent without a checksum stays without one


def segment_sums(a: np.ndarray, start, size):
    """Little-endian 16-bit word sums of a[start:start+size] per segment (an odd tail as its own word):
    `reduceat` over the span of the segments that start on an even byte, then of those on an odd one."""
    result = np.zeros(len(start), I64)
    words = size >> 1
    for parity in (0, 1):
        chosen = np.flatnonzero((start & 1) == parity)
        if not len(chosen):
            continue
        base = int(start[chosen[0]])  # only the span of this parity's segments is summed
        ends = start[chosen] + 2 * words[chosen]
        view = a[base : int(ends.max())].view("<u2")
        first = (start[chosen] - base) >> 1
        edges = np.empty(2 * len(chosen), I64)
        edges[0::2], edges[1::2] = first, first + words[chosen]
        if edges[-1] >= len(view):
            edges = edges[:-1]  # the last segment runs to the end of the view: reduceat sums to the end
        result[chosen] = np.add.reduceat(view, edges, dtype=np.uint64)[0::2].astype(I64) % 0xFFFF
    odd = (size & 1) == 1
    result[odd] += a[start[odd] + size[odd] - 1]
    return result


def anonymized_pcap_chunks(path, anonymizer: Anonymizer, block_size: int = BLOCK) -> Iterator[bytes]:
    """A classic pcap file rewritten in blocks, keeping its byte order and time resolution. A packet of
    the RTP path keeps its record header as it was (same length); others get one written in the file's
    own format. Memory: one block and its output. Raises CaptureFormatError for pcapng (use
    `anon.anonymize_records`)."""
    source = PcapSource(path)
    if source.is_ng:
        source.close()
        raise CaptureFormatError("pcapng: rewrite it record by record")
    rewriter = BlockRewriter(anonymizer, source)

    def chunks():
        buffer = bytearray(block_size + MAX_RECORD + 16)
        view, kept = memoryview(buffer), 0
        try:
            yield source.global_header
            while True:
                got = source.fh.readinto(view[kept : kept + block_size])
                end = kept + got
                if not end:
                    break
                out, used, garbled = rewriter.block(buffer, end)
                if out:
                    yield out
                if garbled or not got:
                    break  # a garbled record header, or a record cut at the end of the file: stop there
                view[: end - used] = view[used:end]
                kept = end - used
            last = b"".join(rewriter.header(ts, len(frame)) + frame for ts, _lt, frame in anonymizer.flush())
            if last:
                yield last
        finally:
            source.close()

    return chunks()
