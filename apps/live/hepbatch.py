"""HEP v3 decoding and RTP frame building for a batch of datagrams at once, compiled with numba (no
Django import).

The listener reads many datagrams into one buffer; ``hep_batch_decode`` walks every packet's chunks
and writes one row of integer columns per packet. A row with status ``OK`` is exactly what
``hep.hep_decode`` would accept, with IPv4 addresses and a plain (not gzipped) payload; every other
row (gzip, IPv6, anything malformed) goes through ``hep_decode`` one by one, which decides how it is
counted. ``rtp_records`` builds the per-call pcap records of RTP packets (the Ethernet/IPv4/UDP frame
``engine.frame_build`` builds, behind ``pcapio.pcap_record``'s header) for a whole batch.
"""

import numpy as np
from numba import njit

OK, SLOW = 0, 1
(C_STATUS, C_PROTO, C_SRC, C_DST, C_SPORT, C_DPORT, C_SEC, C_USEC, C_PTYPE, C_AGENT, C_AUTH_OFF, C_AUTH_LEN,
 C_PAY_OFF, C_PAY_LEN, C_VLAN) = range(15)  # fmt: skip
NCOL = 15
RECORD_OVERHEAD = 16 + 14 + 20 + 8  # pcap record header, Ethernet, IPv4, UDP


@njit(cache=True)
def _decode_one(buf, start, length, row):
    row[C_STATUS] = SLOW
    if length < 6 or buf[start] != 72 or buf[start + 1] != 69 or buf[start + 2] != 80 or buf[start + 3] != 51:
        return
    total = (np.int64(buf[start + 4]) << 8) | np.int64(buf[start + 5])
    if total < 6 or total != length:
        return
    row[C_PROTO] = 17
    row[C_PTYPE] = 0
    row[C_AGENT] = -1
    row[C_AUTH_OFF] = 0
    row[C_AUTH_LEN] = 0
    row[C_VLAN] = -1
    row[C_SEC] = 0
    row[C_USEC] = 0
    row[C_SPORT] = 0
    row[C_DPORT] = 0
    src_len = dst_len = 0
    seen_payload = False
    pos = start + 6
    end_all = start + total
    while pos < end_all:
        body = pos + 6
        if body > end_all:
            return
        clen = (np.int64(buf[pos + 4]) << 8) | np.int64(buf[pos + 5])
        stop = pos + clen
        if clen < 6 or stop > end_all:
            return
        vendor = (np.int64(buf[pos]) << 8) | np.int64(buf[pos + 1])
        ctype = (np.int64(buf[pos + 2]) << 8) | np.int64(buf[pos + 3])
        pos = stop
        if vendor > 5:
            continue
        size = clen - 6
        value = np.int64(0)
        if ctype in (1, 2, 11):  # family, protocol, payload type: one byte
            if size != 1:
                return
            value = np.int64(buf[body])
            if ctype == 2:
                row[C_PROTO] = value
            elif ctype == 11:
                row[C_PTYPE] = value
        elif ctype in (7, 8, 0x12):  # ports, VLAN: two bytes
            if size != 2:
                return
            value = (np.int64(buf[body]) << 8) | np.int64(buf[body + 1])
            if ctype == 7:
                row[C_SPORT] = value
            elif ctype == 8:
                row[C_DPORT] = value
            else:
                row[C_VLAN] = value
        elif ctype in (9, 10, 0x0C):  # seconds, microseconds, agent id: four bytes
            if size != 4:
                return
            for k in range(4):
                value = (value << 8) | np.int64(buf[body + k])
            if ctype == 9:
                row[C_SEC] = value
            elif ctype == 10:
                row[C_USEC] = value
            else:
                row[C_AGENT] = value
        elif ctype == 3 or ctype == 4:  # IPv4 source, destination
            if size != 4:
                return
            for k in range(4):
                value = (value << 8) | np.int64(buf[body + k])
            if ctype == 3:
                row[C_SRC], src_len = value, 4
            else:
                row[C_DST], dst_len = value, 4
        elif ctype == 5 or ctype == 6:  # IPv6: decoded one by one
            if size != 16:
                return
            if ctype == 5:
                src_len = 16
            else:
                dst_len = 16
        elif ctype == 0x0E:  # authentication key, trailing NULs stripped as hep_decode does
            n = size
            while n > 0 and buf[body + n - 1] == 0:
                n -= 1
            row[C_AUTH_OFF] = body
            row[C_AUTH_LEN] = n
        elif ctype == 0x0F or ctype == 0x10:
            if not seen_payload:
                if ctype == 0x10:
                    return  # gzip: inflated one by one
                row[C_PAY_OFF] = body
                row[C_PAY_LEN] = size
                seen_payload = True
        # keepalive, correlation, agent name and unknown types: skipped (as hep_decode skips them)
    if src_len != 4 or dst_len != 4 or not seen_payload or row[C_USEC] >= 1000000 or row[C_AGENT] < 0:
        return
    row[C_STATUS] = OK


@njit(cache=True)
def hep_batch_decode(buf, offsets, lengths):
    """One row of columns per datagram (``buf`` uint8, ``offsets``/``lengths`` int64)."""
    n = len(offsets)
    out = np.zeros((n, NCOL), dtype=np.int64)
    for i in range(n):
        _decode_one(buf, offsets[i], lengths[i], out[i])
    return out


@njit(cache=True)
def same_bytes(buf, offs, lens, ref):
    """Which of the byte ranges equal ``ref`` (the authentication key of a packet already checked)."""
    n = len(offs)
    out = np.zeros(n, dtype=np.bool_)
    m = len(ref)
    for i in range(n):
        if lens[i] != m:
            continue
        o = offs[i]
        eq = True
        for k in range(m):
            if buf[o + k] != ref[k]:
                eq = False
                break
        out[i] = eq
    return out


@njit(cache=True)
def rtp_records(buf, cols, idx):
    """The pcap records (``pcap_record(ts, frame_build(pkt))``) of the rows ``idx``, concatenated, and
    where each starts (one more entry: the end)."""
    n = len(idx)
    starts = np.empty(n + 1, dtype=np.int64)
    total = 0
    for j in range(n):
        starts[j] = total
        total += RECORD_OVERHEAD + cols[idx[j], C_PAY_LEN]
    starts[n] = total
    out = np.zeros(total, dtype=np.uint8)
    for j in range(n):
        r = cols[idx[j]]
        o = starts[j]
        plen = r[C_PAY_LEN]
        frame = 42 + plen
        ts = r[C_SEC] + r[C_USEC] / 1e6  # HepPacket.ts, then pcap_record's split of it
        sec = np.int64(ts)
        usec = np.int64(np.rint((ts - sec) * 1e6))
        if usec >= 1000000:
            sec += 1
            usec -= 1000000
        for b in range(4):
            out[o + b] = (sec >> (8 * b)) & 0xFF
            out[o + 4 + b] = (usec >> (8 * b)) & 0xFF
            out[o + 8 + b] = (frame >> (8 * b)) & 0xFF
            out[o + 12 + b] = (frame >> (8 * b)) & 0xFF
        e = o + 16
        out[e + 12] = 0x08  # Ethernet: zero MACs, IPv4
        ip = e + 14
        ip_len = 20 + 8 + plen
        src, dst = r[C_SRC], r[C_DST]
        csum = 0x4500 + ip_len + 0x4000 + ((64 << 8) | 17) + (src >> 16) + (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF)
        csum = (csum & 0xFFFF) + (csum >> 16)
        csum = ~((csum & 0xFFFF) + (csum >> 16)) & 0xFFFF
        out[ip] = 0x45
        out[ip + 2] = ip_len >> 8
        out[ip + 3] = ip_len & 0xFF
        out[ip + 6] = 0x40
        out[ip + 8] = 64
        out[ip + 9] = 17
        out[ip + 10] = csum >> 8
        out[ip + 11] = csum & 0xFF
        for k in range(4):
            out[ip + 12 + k] = (src >> (24 - 8 * k)) & 0xFF
            out[ip + 16 + k] = (dst >> (24 - 8 * k)) & 0xFF
        u = ip + 20
        udp_len = 8 + plen
        out[u] = (r[C_SPORT] >> 8) & 0xFF
        out[u + 1] = r[C_SPORT] & 0xFF
        out[u + 2] = (r[C_DPORT] >> 8) & 0xFF
        out[u + 3] = r[C_DPORT] & 0xFF
        out[u + 4] = (udp_len >> 8) & 0xFF
        out[u + 5] = udp_len & 0xFF
        p = r[C_PAY_OFF]
        d = u + 8
        out[d : d + plen] = buf[p : p + plen]
    return out, starts


@njit(cache=True)
def gather(data, starts, picks):
    """The ranges ``picks`` of ``data`` (bounded by ``starts``), concatenated."""
    total = 0
    for j in picks:
        total += starts[j + 1] - starts[j]
    out = np.empty(total, dtype=np.uint8)
    o = 0
    for j in picks:
        a, b = starts[j], starts[j + 1]
        out[o : o + b - a] = data[a:b]
        o += b - a
    return out


@njit(cache=True)
def rtp_headers(buf, cols, idx):
    """The 12-byte fixed RTP header of each row of ``idx``, as one (n, 12) array."""
    out = np.empty((len(idx), 12), dtype=np.uint8)
    for j in range(len(idx)):
        p = cols[idx[j], C_PAY_OFF]
        for k in range(12):
            out[j, k] = buf[p + k]
    return out
