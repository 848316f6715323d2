"""Anonymised copies of a call's capture, streamed packet by packet (no Django here).

What is rewritten (docs/sharing.md): the addresses of IPv4/IPv6 headers and ARP, and every address
written as text in SIP, SDP and any other non-RTP payload (Via, Contact, Record-Route, Route, From/To/
Request-URI hosts, Call-ID host parts, `c=`/`o=` lines, ...). Lengths that change are carried through:
SIP `Content-Length`, UDP and IP lengths, TCP sequence and acknowledgement numbers of the segments that
follow, fragments of a datagram (rebuilt with the original boundaries). IP, UDP, TCP and ICMPv6
checksums are recomputed from scratch, so the copy validates in Wireshark even where the original did
not (checksum offload).

The mapping is consistent for the life of one `AddressMap` (one share): rules `network -> network` are
tried in order; equal prefix lengths keep the host part (VoIPmonitor's IP-anonymise groups), different
ones number the addresses in order of first appearance inside the target. Unspecified and broadcast
addresses (0.0.0.0, ::, 255.255.255.255) keep their meaning and are not rewritten.

Speed: an RTP packet costs one dictionary look-up of its two addresses, two slices and a checksum done
as one big-integer remainder (ones' complement sums are sums modulo 0xFFFF). Memory: only pending
fragments and TCP flows that had their length changed are kept.
"""

import bisect
import hashlib
import ipaddress
import re
import struct
from collections.abc import Iterable, Iterator

from .anontcp import CONTENT_LENGTH, SIP_START, SipOverTcp

V4_TEXT = re.compile(rb"(?<![.])(?:\d{1,3}\.){3}\d{1,3}")
V6_TEXT = re.compile(
    rb"(?<![0-9A-Za-z:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:(?:\d{1,3}\.){3}\d{1,3})?(?![0-9A-Za-z:])"
)
KEEP_HEADERS = re.compile(rb"(?im)^(?:user-agent|server)[ \t]*:[^\r\n]*")
KEEP = {ipaddress.IPv4Address("0.0.0.0"), ipaddress.IPv4Address("255.255.255.255"), ipaddress.IPv6Address("::")}
DEFAULT_RULES = (("0.0.0.0/0", "198.18.0.0/15"), ("::/0", "2001:db8::/32"))

ETHERNET, RAW, LOOP, SLL, SLL2, RAW4, RAW6 = 1, 101, 0, 113, 276, 228, 229
VLAN_TYPES = (0x8100, 0x88A8, 0x9100)


class AddressMap:
    """original address -> replacement, from rules [(network, network), ...]; consistent once chosen."""

    def __init__(self, rules=DEFAULT_RULES, *, salt: bytes = b"", keep_all=False):
        self.rules = [(ipaddress.ip_network(a, strict=False), ipaddress.ip_network(b, strict=False)) for a, b in rules]
        self.rules += [(ipaddress.ip_network(a), ipaddress.ip_network(b)) for a, b in DEFAULT_RULES]
        self.salt = salt
        self.keep_all = keep_all  # numbers masked, addresses left as they are
        self.mapped = {}  # IPv4Address/IPv6Address -> same
        self.raw = {}  # packed bytes -> packed bytes
        self.text = {}  # text bytes -> text bytes
        self.used = set()
        self._raw_pattern = (0, None)

    def raw_pattern(self):
        """One pattern of every original address (4 or 16 bytes) known so far, for binary payloads."""
        count, pattern = self._raw_pattern
        if count != len(self.raw):
            changed = [re.escape(k) for k, v in sorted(self.raw.items(), key=lambda kv: -len(kv[0])) if k != v]
            pattern = re.compile(b"|".join(changed), re.DOTALL) if changed else None
            self._raw_pattern = (len(self.raw), pattern)
        return pattern

    def rewrite_raw(self, data: bytes) -> bytes:
        """Addresses carried as raw bytes in a payload (DNS answers, DHCP, SNMP...): same length, nothing moves."""
        pattern = self.raw_pattern()
        return pattern.sub(lambda m: self.raw[m.group(0)], data) if pattern is not None else data

    def address(self, addr):
        found = self.mapped.get(addr)
        if found is not None:
            return found
        if addr in KEEP or self.keep_all:
            new = addr
        else:
            new = self._choose(addr)
        self.mapped[addr] = new
        self.used.add(new)
        return new

    def _choose(self, addr):
        for source, target in self.rules:
            if source.version != addr.version or addr not in source:
                continue
            if source.prefixlen == target.prefixlen:
                offset = int(addr) - int(source.network_address)
                return type(addr)(int(target.network_address) + offset)
            # Different sizes: a keyed hash of the address picks the host inside the target, so the page and
            # the pcap of one share (separate requests, separate maps) agree whatever order they meet it in.
            size = target.num_addresses
            digest = hashlib.blake2b(addr.packed, key=self.salt[:64], digest_size=16).digest()
            n = int.from_bytes(digest, "big") % size
            if size < 8:  # a tiny target: no room to avoid collisions, all share it
                return type(addr)(int(target.network_address) + n)
            while True:
                candidate = type(addr)(int(target.network_address) + n)
                n = (n + 1) % size
                if candidate != addr and candidate not in self.used and candidate not in KEEP and n not in (1, 0):
                    break
            return candidate
        return addr

    def packed(self, raw: bytes) -> bytes:
        found = self.raw.get(raw)
        if found is None:
            found = self.address(ipaddress.ip_address(raw)).packed
            self.raw[raw] = found
        return found

    def replace_text(self, match) -> bytes:
        text = match.group(0)
        found = self.text.get(text)
        if found is None:
            try:
                addr = ipaddress.ip_address(text.decode("ascii"))
            except ValueError:
                found = text
            else:
                found = str(self.address(addr)).encode("ascii")
            self.text[text] = found
        return found

    def rewrite_text(self, data: bytes) -> bytes:
        """Every IPv4 and IPv6 address written in `data`, replaced."""
        if self.keep_all:
            return data
        if b"." in data:
            data = V4_TEXT.sub(self.replace_text, data)
        if b"::" in data or data.count(b":") >= 7:
            data = V6_TEXT.sub(self.replace_text, data)
        return data


def rules_parse(text: str) -> list:
    """`network -> network` lines (blank lines and `#` comments skipped) -> [(source, target), ...].
    ValueError names the first bad line."""
    rules = []
    for number, line in enumerate(str(text or "").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.replace("->", " ").split()
        try:
            if len(parts) != 2:
                raise ValueError(line)
            source, target = ipaddress.ip_network(parts[0], strict=False), ipaddress.ip_network(parts[1], strict=False)
            if source.version != target.version:
                raise ValueError(line)
        except ValueError:
            raise ValueError(f"line {number} is not a rule 'network -> network' of one IP version: {line}") from None
        rules.append((str(source), str(target)))
    return rules


class NumberMask:
    """Caller and called numbers: every digit but the last `keep` becomes `x` (same length, so nothing moves)."""

    def __init__(self, numbers=(), keep=4):
        pairs = {}
        for number in numbers:
            number = str(number or "")
            digits = sum(ch.isdigit() for ch in number)
            if digits <= keep:
                continue
            masked, seen = [], 0
            for ch in number:
                if ch.isdigit():
                    seen += 1
                    masked.append("x" if seen <= digits - keep else ch)
                else:
                    masked.append(ch)
            pairs[number] = "".join(masked)
        self.pairs = dict(sorted(pairs.items(), key=lambda item: -len(item[0])))
        self.pattern = re.compile(b"|".join(re.escape(n.encode()) for n in self.pairs)) if self.pairs else None

    def __bool__(self):
        return self.pattern is not None

    def rewrite(self, data: bytes) -> bytes:
        if self.pattern is None:
            return data
        return self.pattern.sub(lambda m: self.pairs[m.group(0).decode()].encode(), data)

    def text(self, value: str) -> str:
        return self.rewrite(str(value).encode()).decode()


def ones_sum(data: bytes) -> int:
    """The ones' complement sum of 16-bit words, 0..0xFFFF (an odd tail is padded with zero)."""
    if len(data) & 1:
        data += b"\0"
    total = int.from_bytes(data, "big") % 0xFFFF
    return total if total or not any(data) else 0xFFFF


def checksum(*parts: bytes) -> int:
    return ~ones_sum(b"".join(parts)) & 0xFFFF


class Anonymizer(SipOverTcp):
    """Frames in, frames out: `frames(ts, linktype, data)` yields the rewritten frames ready to write.

    A fragment is held until its datagram is complete, then every fragment comes out at once with its
    own timestamp. Anything we cannot parse is passed with its addresses rewritten where we can find them.
    """

    MAX_PENDING = 256

    def __init__(self, addresses: AddressMap | None = None, numbers: NumberMask | None = None):
        self.map = addresses or AddressMap()
        self.numbers = numbers or NumberMask()
        self.pending = {}  # fragment key -> list of (ts, linktype, link header, l3 header, offset, more, payload)
        self.tcp_shift = {}  # flow -> ([original seq end], [cumulative delta])
        self.tcp_init()
        self.stats = {"rewritten_text": 0}
        self.media = set()  # (address bytes, port) announced in SDP (RTP there, RTCP one above)
        self.flows = {}  # addresses + ports of a UDP flow (12 or 36 bytes) -> is it media?
        self.fast = {}  # addresses + ports of an IPv4 UDP flow -> (new addresses, their sum) or False (not media)

    def is_media(self, flow: bytes) -> bool:
        """A flow (source, destination addresses then ports, as in the headers) to or from an SDP port."""
        size = (len(flow) - 4) // 2
        src, dst = flow[:size], flow[size : 2 * size]
        sport, dport = struct.unpack_from("!HH", flow, 2 * size)
        media = self.media
        return any((addr, port) in media or (addr, port - 1) in media for addr, port in ((src, sport), (dst, dport)))

    def sdp_learn(self, body: bytes):
        """RTP addresses and ports of an SDP body (session and media `c=` lines, each `m=` port)."""
        session = None
        current = None
        for line in body.split(b"\n"):
            line = line.strip()
            if line.startswith(b"c=IN IP"):
                try:
                    addr = ipaddress.ip_address(line.split()[-1].split(b"/")[0].decode("ascii")).packed
                except (ValueError, UnicodeDecodeError):
                    continue
                if current is None:
                    session = addr
                else:
                    self.media.add((addr, current))
            elif line.startswith(b"m="):
                parts = line.split()
                current = int(parts[1].split(b"/")[0]) if len(parts) > 1 and parts[1].split(b"/")[0].isdigit() else 0
                if session is not None:
                    self.media.add((session, current))
        self.flows.clear()
        self.fast.clear()

    def rtp4(self, data: bytes, o: int):
        """The hot path: an unfragmented IPv4 UDP RTP packet with a 20-byte header, or None for the others.

        Same length in and out. Checksums come from sums modulo 0xFFFF (a ones' complement sum is one):
        the new addresses' share is cached per flow, and a checksum word sits at an even offset, so its
        own share of a big-endian integer is its value and can be taken off without copying the packet."""
        if data[o] != 0x45 or data[o + 9] != 17 or data[o + 6] & 0x3F or data[o + 7] or len(data) < o + 40:
            return None
        if data[o + 28] & 0xC0 != 0x80 or 200 <= data[o + 29] <= 204:
            return None
        flow = data[o + 12 : o + 24]
        entry = self.fast.get(flow)
        if entry is None:
            entry = self.fast[flow] = self.fast_entry(flow)
        if not entry:
            return None
        end = o + ((data[o + 2] << 8) | data[o + 3])
        udp_len = end - o - 20
        if end > len(data) or udp_len != ((data[o + 24] << 8) | data[o + 25]):
            return None
        new, addr_sum = entry
        total = (int.from_bytes(data[o : o + 10], "big") + addr_sum) % 0xFFFF
        ip_sum = (~total & 0xFFFF) if total else 0
        if data[o + 26] == 0 and data[o + 27] == 0:  # IPv4 UDP without a checksum stays without one
            return b"".join((data[: o + 10], ip_sum.to_bytes(2, "big"), new, data[o + 20 :]))
        segment = data[o + 20 : end] if not udp_len & 1 else data[o + 20 : end] + b"\0"
        old = (data[o + 26] << 8) | data[o + 27]
        total = (int.from_bytes(segment, "big") - old + addr_sum + 17 + udp_len) % 0xFFFF
        value = (~total & 0xFFFF or 0xFFFF) if total else 0xFFFF
        head = (data[: o + 10], ip_sum.to_bytes(2, "big"), new, data[o + 20 : o + 26], value.to_bytes(2, "big"))
        return b"".join((*head, data[o + 28 :]))

    def fast_entry(self, flow: bytes):
        """(new address bytes, their sum) of a media flow, or False for a flow the hot path leaves alone."""
        if not self.is_media(flow):
            return False
        new = self.map.packed(flow[:4]) + self.map.packed(flow[4:8])
        return new, int.from_bytes(new, "big") % 0xFFFF

    def prescan(self, records: Iterable[tuple]):
        """Learn the addresses of IP headers first (cheap: no payload is read), so that one carried as
        raw bytes in a payload is recognised even before its first packet goes past."""
        packed = self.map.packed
        for _ts, linktype, data in records:
            offset, ethertype = link_offset(linktype, data)
            if ethertype == 0x0800 and len(data) >= offset + 20:
                packed(data[offset + 12 : offset + 16]), packed(data[offset + 16 : offset + 20])
            elif ethertype == 0x86DD and len(data) >= offset + 40:
                packed(data[offset + 8 : offset + 24]), packed(data[offset + 24 : offset + 40])
            if b"\nm=" in data:
                self.sdp_learn(data[data.find(b"\r\n\r\n") + 4 :])

    # ---- link layer -------------------------------------------------------------------------------
    def frames(self, ts: float, linktype: int, data: bytes) -> Iterator[tuple]:
        offset, ethertype = link_offset(linktype, data)
        if offset is None:
            yield ts, linktype, data
            return
        if ethertype == 0x0800:
            fast = self.rtp4(data, offset)
            if fast is not None:
                yield ts, linktype, fast
                return
        link, body = data[:offset], data[offset:]
        if ethertype == 0x0800 and len(body) >= 20 and body[0] >> 4 == 4:
            yield from self.ipv4(ts, linktype, link, body)
        elif ethertype == 0x86DD and len(body) >= 40 and body[0] >> 4 == 6:
            yield from self.ipv6(ts, linktype, link, body)
        elif ethertype == 0x0806 and len(body) >= 28 and body[2:4] == b"\x08\x00" and body[5] == 4:
            sha, tha = body[8:14], body[18:24]
            arp = body[:8] + sha + self.map.packed(body[14:18]) + tha + self.map.packed(body[24:28]) + body[28:]
            yield ts, linktype, link + arp
        else:
            yield ts, linktype, data

    # ---- IPv4 -------------------------------------------------------------------------------------
    def ipv4(self, ts, linktype, link, packet):
        ihl = (packet[0] & 15) * 4
        total = struct.unpack_from("!H", packet, 2)[0]
        trailer = packet[total:] if ihl <= total <= len(packet) else b""
        packet = packet[:total] if ihl <= total <= len(packet) else packet
        flags_frag = struct.unpack_from("!H", packet, 6)[0]
        src, dst = self.map.packed(packet[12:16]), self.map.packed(packet[16:20])
        header = packet[:12] + src + dst + packet[20:ihl]
        proto = packet[9]
        if flags_frag & 0x3FFF:
            key = (4, packet[12:16], packet[16:20], packet[4:6], proto)
            more, frag_offset = bool(flags_frag & 0x2000), (flags_frag & 0x1FFF) * 8
            yield from self.fragment(key, (ts, linktype, link, header, frag_offset, more, packet[ihl:], trailer))
            return
        if proto == 6:

            def wrap(seg):
                return link + ipv4_header(header, len(seg)) + seg + trailer

            yield from self.tcp_segment(ts, linktype, packet[12:16], packet[16:20], src, dst, packet[ihl:], wrap)
            return
        payload = self.transport(proto, packet[12:16], packet[16:20], src, dst, packet[ihl:])
        yield ts, linktype, link + ipv4_header(header, len(payload)) + payload + trailer

    # ---- IPv6 -------------------------------------------------------------------------------------
    def ipv6(self, ts, linktype, link, packet):
        plen = struct.unpack_from("!H", packet, 4)[0]
        trailer = packet[40 + plen :] if 40 + plen <= len(packet) else b""
        packet = packet[: 40 + plen] if 40 + plen <= len(packet) else packet
        src, dst = self.map.packed(packet[8:24]), self.map.packed(packet[24:40])
        nxt, pos, frag = packet[6], 40, None
        while nxt in (0, 43, 60, 44) and pos + 8 <= len(packet):
            if nxt == 44:
                frag = pos
                nxt, pos = packet[pos], pos + 8
                break
            nxt, pos = packet[pos], pos + (packet[pos + 1] + 1) * 8
        fixed = packet[:8] + src + dst
        if frag is not None:
            off_flags = struct.unpack_from("!H", packet, frag + 2)[0]
            key = (6, packet[8:24], packet[24:40], packet[frag + 4 : frag + 8], nxt)
            head = fixed + packet[40:pos]
            entry = (ts, linktype, link, head, off_flags & 0xFFF8, bool(off_flags & 1), packet[pos:], trailer)
            yield from self.fragment(key, entry)
            return
        head = fixed + packet[40:pos]
        if nxt == 6:

            def wrap(seg):
                return link + ipv6_header(head, len(head) - 40 + len(seg)) + seg + trailer

            yield from self.tcp_segment(ts, linktype, packet[8:24], packet[24:40], src, dst, packet[pos:], wrap)
            return
        payload = self.transport(nxt, packet[8:24], packet[24:40], src, dst, packet[pos:])
        yield ts, linktype, link + ipv6_header(head, len(head) - 40 + len(payload)) + payload + trailer

    # ---- fragments ------------------------------------------------------------------------------
    def fragment(self, key, entry):
        parts = self.pending.setdefault(key, [])
        parts.append(entry)
        if len(self.pending) > self.MAX_PENDING:  # never completed: pass the oldest as they are (addresses done)
            old_key = next(iter(self.pending))
            yield from self.fragments_out(old_key, self.pending.pop(old_key), complete=False)
        parts.sort(key=lambda part: part[4])
        if parts[-1][5] or parts[0][4] != 0:
            return
        expected = 0
        for part in parts:
            if part[4] != expected:
                return
            expected += len(part[6])
        yield from self.fragments_out(key, self.pending.pop(key), complete=True)

    def fragments_out(self, key, parts, *, complete):
        version, orig_src, orig_dst, _ident, proto = key
        if complete:
            whole = b"".join(part[6] for part in parts)
            src, dst = self.map.packed(orig_src), self.map.packed(orig_dst)
            whole = self.transport(proto, orig_src, orig_dst, src, dst, whole)
            sizes = [len(part[6]) for part in parts[:-1]]
            deficit = sum(sizes) + 8 - len(whole)  # the last fragment keeps at least 8 bytes: same count
            for n in range(len(sizes) - 1, -1, -1):
                if deficit <= 0:
                    break
                cut = min(sizes[n] - 8, (deficit + 7) // 8 * 8)
                sizes[n] -= cut
                deficit -= cut
            pieces, pos = [], 0
            for size in sizes:
                pieces.append(whole[pos : pos + size])
                pos += size
            pieces.append(whole[pos:])
            while len(pieces) > 1 and not pieces[-1]:
                pieces.pop()
        else:
            pieces = [part[6] for part in parts]
        offset = 0
        for n, (part, piece) in enumerate(zip(parts, pieces, strict=False)):
            ts, linktype, link, head, _off, _more, _data, trailer = part
            more = n < len(pieces) - 1 if complete else part[5]
            off = offset if complete else part[4]
            if version == 4:
                flags = struct.unpack_from("!H", head, 6)[0] & 0x4000
                head = head[:6] + struct.pack("!H", flags | (0x2000 if more else 0) | (off // 8)) + head[8:]
                frame = link + ipv4_header(head, len(piece)) + piece + trailer
            else:
                frag = len(head) - 8
                head = head[: frag + 2] + struct.pack("!H", off | (1 if more else 0)) + head[frag + 4 :]
                frame = link + ipv6_header(head, len(head) - 40 + len(piece)) + piece + trailer
            offset += len(piece)
            yield ts, linktype, frame

    def flush(self):
        """Fragments whose datagram never completed and TCP frames held for a SIP message that never did,
        at the end of the capture."""
        for key in list(self.pending):
            yield from self.fragments_out(key, self.pending.pop(key), complete=False)
        yield from self.tcp_flush()

    # ---- transport ------------------------------------------------------------------------------
    def transport(self, proto, orig_src, orig_dst, src, dst, data):
        """The rewritten UDP / TCP / ICMPv6 segment with its checksum recomputed over the new addresses."""
        pseudo_len = len(src) == 16
        if proto == 17 and len(data) >= 8:
            flow = orig_src + orig_dst + data[:4]
            media = self.flows.get(flow)
            if media is None:
                media = self.flows[flow] = self.is_media(flow)
            body = self.payload(data[8:], media=media)
            length = 8 + len(body)
            seg = data[:4] + struct.pack("!HH", length, 0) + body
            if data[6:8] == b"\0\0" and not pseudo_len:
                return seg  # IPv4 UDP sent without a checksum stays without one
            value = checksum(src, dst, struct.pack("!HH", 17, length), seg) or 0xFFFF
            return seg[:6] + struct.pack("!H", value) + seg[8:]
        if proto == 6 and len(data) >= 20:
            body = data[(data[12] >> 4) * 4 :]
            new = self.payload(body)
            if len(new) != len(body):
                seq = struct.unpack_from("!I", data, 4)[0]
                self.shift_add((orig_src, data[:2], orig_dst, data[2:4]), seq + len(body), len(new) - len(body))
            return self.tcp_build(orig_src, orig_dst, src, dst, data, new)
        if proto == 58 and len(data) >= 4:
            body = self.payload(data[4:])
            seg = data[:2] + b"\0\0" + body
            head = struct.pack("!IxxxB", len(seg), 58)
            return seg[:2] + struct.pack("!H", checksum(src, dst, head, seg)) + seg[4:]
        return data

    def tcp_build(self, orig_src, orig_dst, src, dst, data, new):
        """The TCP segment `data` carrying `new` as its payload: sequence and acknowledgement numbers moved by
        the length changes before them in each direction, the checksum over the new addresses."""
        offset = (data[12] >> 4) * 4
        seq, ack = struct.unpack_from("!II", data, 4)
        flow, back = (orig_src, data[:2], orig_dst, data[2:4]), (orig_dst, data[2:4], orig_src, data[:2])
        new_seq = (seq + self.shift_before(flow, seq)) & 0xFFFFFFFF
        new_ack = (ack + self.shift_before(back, ack)) & 0xFFFFFFFF if data[13] & 0x10 else ack
        seg = data[:4] + struct.pack("!II", new_seq, new_ack) + data[12:16] + b"\0\0" + data[18:offset] + new
        value = checksum(src, dst, struct.pack("!HH", 6, len(seg)), seg)
        return seg[:16] + struct.pack("!H", value) + seg[18:]

    def shift_before(self, flow, seq):
        found = self.tcp_shift.get(flow)
        if not found:
            return 0
        ends, totals = found
        n = bisect.bisect_right(ends, seq)
        return totals[n - 1] if n else 0

    def shift_add(self, flow, end, delta):
        ends, totals = self.tcp_shift.setdefault(flow, ([], []))
        n = bisect.bisect_right(ends, end)
        if n and ends[n - 1] == end:
            return  # a retransmission: its delta is already counted
        ends.insert(n, end)
        totals.insert(n, (totals[n - 1] if n else 0))
        for i in range(n, len(totals)):
            totals[i] += delta

    def payload(self, body: bytes, *, media: bool = False) -> bytes:
        """A transport payload: SIP (with Content-Length), RTCP SDES, other text; RTP untouched."""
        if not body:
            return body
        if media and body[0] & 0xC0 == 0x80 and len(body) >= 8:
            if 200 <= body[1] <= 204:
                return self.rtcp(body)
            return body  # RTP: binary audio, no addresses
        if body[0] & 0xC0 == 0x80 and len(body) >= 8 and 200 <= body[1] <= 204:
            if (struct.unpack_from("!H", body, 2)[0] + 1) * 4 <= len(body):  # RTCP on a port SDP did not name
                return self.rtcp(body)
        if SIP_START.match(body):
            return self.sip(body)
        new = self.map.rewrite_raw(self.numbers.rewrite(self.map.rewrite_text(body)))
        if new != body:
            self.stats["rewritten_text"] += 1
        return new

    def sip(self, message: bytes) -> bytes:
        """One or more SIP messages: headers and body rewritten, each Content-Length set to its new body."""
        out, pos = [], 0
        while pos < len(message):
            split = message.find(b"\r\n\r\n", pos)
            if split < 0:
                out.append(self.sip_text(message[pos:]))
                break
            head = message[pos : split + 4]
            found = CONTENT_LENGTH.search(head)
            length = int(found.group(2)) if found else len(message) - split - 4
            body = message[split + 4 : split + 4 + length]
            if b"m=" in body:
                self.sdp_learn(body)
            new_body = self.sip_text(body)
            new_head = self.sip_text(head)
            if found and len(body) == length:
                new_head = CONTENT_LENGTH.sub(rb"\1: " + str(len(new_body)).encode(), new_head, count=1)
            out.append(new_head + new_body)
            pos = split + 4 + length
        self.stats["rewritten_text"] += 1
        return b"".join(out)

    def sip_text(self, text: bytes) -> bytes:
        """Addresses and numbers, except inside User-Agent / Server (product versions look like IPv4)."""
        kept = KEEP_HEADERS.findall(text)
        if not kept:
            return self.numbers.rewrite(self.map.rewrite_text(text))
        parts = KEEP_HEADERS.split(text)
        out = [self.numbers.rewrite(self.map.rewrite_text(parts[0]))]
        for header, rest in zip(kept, parts[1:], strict=True):
            out.append(header)
            out.append(self.numbers.rewrite(self.map.rewrite_text(rest)))
        return b"".join(out)

    def rtcp(self, body: bytes) -> bytes:
        """SDES items (CNAME is often user@address) rewritten, each chunk's length words recomputed."""
        out, pos = [], 0
        while pos + 4 <= len(body):
            words = struct.unpack_from("!H", body, pos + 2)[0]
            end = min(len(body), pos + 4 + words * 4)
            packet = body[pos:end]
            if packet[1] == 202:
                packet = self.sdes(packet)
            out.append(packet)
            pos = end
        out.append(body[pos:])
        return b"".join(out)

    def sdes(self, packet: bytes) -> bytes:
        count, pos, chunks = packet[0] & 31, 4, []
        for _ in range(count):
            if pos + 4 > len(packet):
                break
            items, ssrc = [], packet[pos : pos + 4]
            pos += 4
            while pos < len(packet) and packet[pos] != 0:
                kind, size = packet[pos], packet[pos + 1] if pos + 1 < len(packet) else 0
                text = self.numbers.rewrite(self.map.rewrite_text(packet[pos + 2 : pos + 2 + size]))[:255]
                items.append(bytes((kind, len(text))) + text)
                pos += 2 + size
            chunk = ssrc + b"".join(items) + b"\0"
            chunks.append(chunk + b"\0" * (-len(chunk) % 4))
            pos += 1
            pos += -pos % 4
        body = b"".join(chunks)
        if pos < len(packet):
            body += packet[pos:]
        body += b"\0" * (-len(body) % 4)
        return packet[:2] + struct.pack("!H", len(body) // 4) + body

    def text(self, value: str) -> str:
        """Text for the page and the figures: addresses and (when masking) numbers."""
        return self.numbers.text(self.map.rewrite_text(str(value).encode()).decode())


def ipv4_header(header: bytes, payload_len: int) -> bytes:
    header = header[:2] + struct.pack("!H", len(header) + payload_len) + header[4:10] + b"\0\0" + header[12:]
    return header[:10] + struct.pack("!H", checksum(header)) + header[12:]


def ipv6_header(header: bytes, payload_len: int) -> bytes:
    return header[:4] + struct.pack("!H", payload_len) + header[6:]


def link_offset(linktype: int, data: bytes):
    """(offset of the network header, ethertype) or (None, None) for a link type we do not read."""
    if linktype == ETHERNET and len(data) >= 14:
        offset, ethertype = 14, struct.unpack_from("!H", data, 12)[0]
        while ethertype in VLAN_TYPES and len(data) >= offset + 4:
            ethertype = struct.unpack_from("!H", data, offset + 2)[0]
            offset += 4
        return offset, ethertype
    if linktype == SLL and len(data) >= 16:
        return 16, struct.unpack_from("!H", data, 14)[0]
    if linktype == SLL2 and len(data) >= 20:
        return 20, struct.unpack_from("!H", data, 0)[0]
    if linktype in (RAW, RAW4, RAW6, 12, 14) and data:
        return 0, 0x0800 if data[0] >> 4 == 4 else 0x86DD
    if linktype == LOOP and len(data) >= 4:
        family = struct.unpack_from("<I", data)[0]
        if family > 0xFFFF:
            family = struct.unpack_from(">I", data)[0]
        return 4, 0x0800 if family == 2 else 0x86DD
    return None, None


def anonymize_records(records: Iterable[tuple], anonymizer: Anonymizer) -> Iterator[tuple]:
    """(ts, linktype, data) in, rewritten (ts, linktype, data) out, fragments included.

    RTP over Ethernet / Linux cooked IPv4 takes the hot path inline; everything else goes through `frames`."""
    frames, rtp4 = anonymizer.frames, anonymizer.rtp4
    for ts, linktype, data in records:
        if linktype == ETHERNET and data[12:14] == b"\x08\x00":
            fast = rtp4(data, 14)
        elif linktype == SLL and data[14:16] == b"\x08\x00":
            fast = rtp4(data, 16)
        else:
            fast = None
        if fast is not None:
            yield ts, linktype, fast
        else:
            yield from frames(ts, linktype, data)
    yield from anonymizer.flush()
