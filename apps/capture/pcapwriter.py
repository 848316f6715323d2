"""Per-call pcap files written while the capture streams past.

Each call gets two files (SIP only; SIP + RTP/RTCP). Records are buffered per file and appended in
blocks, so hundreds of concurrent calls need neither hundreds of open descriptors nor the whole call
in memory. Files are written under a ``.part`` name and renamed only when the analysis completes:
a reader never sees a half-written call file, and ``abort`` removes every partial file.
"""

import os
import re
import struct

from .pcapio import pcap_header, pcap_record

FLUSH_BYTES = 1 << 16
_UNSAFE = re.compile(r"[^A-Za-z0-9:.@-]")


def safe_name(call_id):
    """File name for a Call-ID, with the sniffer's rule (other characters become ``_``)."""
    return _UNSAFE.sub("_", call_id)[:180] or "call"


class PcapFile:
    __slots__ = ("final", "part", "buf", "size", "header")

    def __init__(self, path, header):
        self.final, self.part = path, path + ".part"
        self.buf, self.size, self.header = [header], len(header), header
        with open(self.part, "wb"):
            pass

    def add(self, record):
        self.buf.append(record)
        self.size += len(record)
        if self.size >= FLUSH_BYTES:
            self.flush()

    def flush(self):
        if self.buf:
            with open(self.part, "ab") as fh:
                fh.write(b"".join(self.buf))
            self.buf, self.size = [], 0

    def finish(self):
        self.flush()
        os.replace(self.part, self.final)

    def abort(self):
        self.buf = []
        for p in (self.part, self.final):
            if os.path.exists(p):
                os.remove(p)


class CallPcap:
    """The pair of files of one call. ``raw_ok`` means records can be copied byte for byte."""

    def __init__(self, out_dir, call_id, used_names, linktype, global_header):
        base = safe_name(call_id)
        name, n = base, 1
        while name in used_names:
            n += 1
            name = f"{base}.{n}"
        used_names.add(name)
        header = pcap_header(linktype, global_header)
        self.raw_ok = global_header is not None
        self.linktype = linktype
        self.paused = False  # recording paused (live calls only): RTP is kept without its payload
        # live batches: records a batch still holds for this file, written before any other record
        self.hold = None
        self.sip = PcapFile(os.path.join(out_dir, name + ".sip.pcap"), header)
        self.full = PcapFile(os.path.join(out_dir, name + ".pcap"), header)

    def record(self, ts, data, rawhdr):
        return rawhdr + data if self.raw_ok and rawhdr is not None else pcap_record(ts, data)

    def add_sip(self, record):
        if self.hold is not None:
            self.hold(self)
        self.sip.add(record)
        self.full.add(record)

    def add_rtp(self, record):
        if self.hold is not None:
            self.hold(self)
        if self.paused and not self.raw_ok:
            record = rtp_payload_cut(record, self.linktype)
        self.full.add(record)

    def finish(self):
        if self.hold is not None:
            self.hold(self)
        self.sip.finish()
        self.full.finish()

    def abort(self):
        self.sip.abort()
        self.full.abort()


def rtp_payload_cut(record, linktype):
    """The record of an RTP packet cut after its RTP header (caplen shortened, wire length kept), as
    the sniffer stores RTP of a paused call. Other packets (RTCP, anything unparsable) stay whole.
    Only for records we wrote ourselves (little-endian, microseconds: ``pcap_record``)."""
    from .netparse import link_strip

    data = record[16:]
    link = link_strip(linktype, data)
    if link is None:
        return record
    etype, off, _vlan = link
    if etype == 0x0800 and len(data) > off:
        ip_len, proto = (data[off] & 0x0F) * 4, data[off + 9]
    elif etype == 0x86DD and len(data) >= off + 40:
        ip_len, proto = 40, data[off + 6]
    else:
        return record
    rtp = off + ip_len + 8
    if proto != 17 or len(data) < rtp + 12 or data[rtp] >> 6 != 2 or 72 <= data[rtp + 1] & 0x7F <= 76:
        return record
    cut = rtp + 12 + 4 * (data[rtp] & 0x0F)
    if data[rtp] & 0x10 and len(data) >= cut + 4:
        cut += 4 + 4 * struct.unpack_from("!H", data, cut + 2)[0]
    cut = min(cut, len(data))
    sec, usec, _caplen, wirelen = struct.unpack_from("<IIII", record, 0)
    return struct.pack("<IIII", sec, usec, cut, wirelen) + data[:cut]
