"""The listener's batch path: a batch of decoded HEP rows (``hepbatch``) of one sensor into its
analyzer, with the bulk of the traffic (RTP of a 5-tuple the analyzer already follows) folded per
flow with numpy instead of packet by packet (no Django import).

What the per-packet path would do is done, in the same order where order matters:
- every row that is not plain IPv4/UDP RTP of a known flow (SIP, RTCP, TCP, VLAN, a flow's first
  packets, orphan RTP) is handed to ``SensorPipe.add`` as a ``HepPacket``, in arrival order, and the
  analyzer has folded those before the RTP after them is looked up;
- an RTP row appends its arrival time and 12-byte header to its flow (``Analyzer.feed``'s fast path),
  RFC 2833 events go through ``Analyzer._dtmf`` in arrival order, and each call pcap receives its
  records in arrival order (a paused call's records cut as ``CallPcap.add_rtp`` cuts them).
"""

import numpy as np

from apps.capture.rtpstats import CHUNK_MAX

from . import hep
from .hepbatch import (
    C_DPORT,
    C_DST,
    C_PAY_LEN,
    C_PAY_OFF,
    C_PROTO,
    C_PTYPE,
    C_SEC,
    C_SPORT,
    C_SRC,
    C_USEC,
    C_VLAN,
    rtp_headers,
    rtp_records,
)

ANALYSED = np.array(sorted({0, hep.PT_SIP, hep.PT_RTP, hep.PT_RTCP}), dtype=np.int64)
KEY = np.dtype([("src", ">u4"), ("dst", ">u4"), ("sport", ">u2"), ("dport", ">u2")])


def row_packet(buf, row, agent_id):
    """The ``HepPacket`` of one decoded row (for the per-packet path)."""
    off, n = int(row[C_PAY_OFF]), int(row[C_PAY_LEN])
    return hep.HepPacket(
        src=int(row[C_SRC]).to_bytes(4, "big"),
        dst=int(row[C_DST]).to_bytes(4, "big"),
        sport=int(row[C_SPORT]),
        dport=int(row[C_DPORT]),
        sec=int(row[C_SEC]),
        usec=int(row[C_USEC]),
        proto=int(row[C_PROTO]),
        payload_type=int(row[C_PTYPE]),
        vlan=None if row[C_VLAN] < 0 else int(row[C_VLAN]),
        agent_id=agent_id,
        payload=bytes(buf[off : off + n]),
    )


def rtp_candidates(buf, cols, idx):
    """Rows that may take the batch path: UDP, no VLAN, an analysed payload type, an RTP version 2
    header of 12 bytes that is not RTCP (the analyzer's fast-path test)."""
    c = cols[idx]
    plen = c[:, C_PAY_LEN]
    ok = (c[:, C_PROTO] == 17) & (c[:, C_VLAN] < 0) & np.isin(c[:, C_PTYPE], ANALYSED) & (plen >= 12)
    first = np.where(ok, c[:, C_PAY_OFF], 0)
    b0, b1 = buf[first], buf[np.minimum(first + 1, len(buf) - 1)] & 0x7F
    return ok & (b0 >> 6 == 2) & ~((b1 >= 72) & (b1 <= 76))


def pipe_add_batch(pipe, buf, cols, idx, wall, agent_id):
    """Fold the rows ``idx`` (arrival order) of one sensor into ``pipe``."""
    if not len(idx):
        return
    ts = cols[idx, C_SEC] + cols[idx, C_USEC] / 1e6
    top = float(ts.max())
    pipe.fold()
    cand = rtp_candidates(buf, cols, idx)
    done = 0
    while done < len(idx):
        done += _until_sdp(pipe, buf, cols, idx[done:], ts[done:], cand[done:], wall, agent_id)
    if pipe.max_ts is None or top > pipe.max_ts:
        pipe.max_ts, pipe.wall_at_max = top, wall


def _until_sdp(pipe, buf, cols, idx, ts, cand, wall, agent_id):
    """Fold rows until (and with) the first SIP message with SDP, which may attach a followed flow to
    a call or retire an orphan one: the flows of the rows after it are looked up again. Returns the
    number of rows folded."""
    keys = np.zeros(len(idx), dtype=KEY)
    keys["src"][cand], keys["dst"][cand] = cols[idx[cand], C_SRC], cols[idx[cand], C_DST]
    keys["sport"][cand], keys["dport"][cand] = cols[idx[cand], C_SPORT], cols[idx[cand], C_DPORT]
    uniq, fid = np.unique(keys.view("V12"), return_inverse=True)
    fid = fid.ravel()
    flows = pipe.analyzer.flows
    known = [flows.get(bytes(k)) for k in uniq]
    fast = cand & np.array([f is not None for f in known], dtype=bool)[fid]
    batch = _Pending(pipe, buf, cols, idx, ts, fid, known)
    start = 0
    for j in np.flatnonzero(~fast).tolist():
        # the rows in between stay pending; this one goes the per-packet way, in its place
        batch.extend(start, j)
        off, n = int(cols[idx[j], C_PAY_OFF]), int(cols[idx[j], C_PAY_LEN])
        sdp = b"\nm=" in bytes(buf[off : off + n])
        if sdp:
            batch.flush()
        pipe.add(row_packet(buf, cols[idx[j]], agent_id), wall)
        pipe.fold()
        start = j + 1
        if sdp:
            return start
    batch.extend(start, len(idx))
    batch.flush()
    return len(idx)


class _Pending:
    """RTP rows of followed flows, folded into their flows together. A call pcap that is about to
    receive another record (SIP, RTCP, a flow's first packets) first receives the rows held for it
    (``CallPcap.hold``), so every file gets its records in arrival order."""

    def __init__(self, pipe, buf, cols, idx, ts, fid, flows):
        self.pipe, self.buf, self.cols, self.idx, self.ts, self.fid, self.flows = pipe, buf, cols, idx, ts, fid, flows
        self.ranges = []
        self.written = np.zeros(len(idx), dtype=bool)
        self.by_writer = None

    def extend(self, a, b):
        if b > a:
            self.ranges.append((a, b))
            if self.by_writer is None:
                self._hold()

    def _hold(self):
        """Which flows write to which call pcap; each such pcap holds this batch's hook until flushed."""
        self.by_writer = {}
        for uid, flow in enumerate(self.flows):
            if flow is not None:
                for w in flow.writer:
                    entry = self.by_writer.get(id(w))
                    if entry is None:
                        entry = self.by_writer[id(w)] = (w, [])
                        w.hold = self.write
                    entry[1].append(uid)

    def rows(self):
        if not self.ranges:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([np.arange(a, b) for a, b in self.ranges])

    def write(self, w, rows=None):
        """The held rows of call pcap ``w`` (all of them, in arrival order), then release its hook."""
        w.hold = None
        entry = self.by_writer.pop(id(w), None)
        if entry is None:
            return
        rows = self.rows() if rows is None else rows
        mine = rows[np.isin(self.fid[rows], entry[1]) & ~self.written[rows]]
        if not len(mine):
            return
        records, starts = rtp_records(self.buf, self.cols, self.idx[mine])
        if w.paused or w.raw_ok:
            for j in range(len(mine)):
                w.add_rtp(records[starts[j] : starts[j + 1]].tobytes())
        else:
            w.full.add(records.tobytes())

    def flush(self):
        """Fold every held row into its flow and write every held record."""
        rows = self.rows()
        self.ranges = []
        if self.by_writer is not None:
            self._write_all(rows[~self.written[rows]])
            self.by_writer = None
        if not len(rows):
            return
        self.written[rows] = True
        self._fold(rows)

    def _write_all(self, rows):
        """Every held record, one block per call pcap: rows sorted by their pcap (stable, so each
        block keeps arrival order) and built in one pass."""
        entries = list(self.by_writer.values())
        owner = np.full(len(self.flows), -1, dtype=np.int64)
        shared = False
        for k, (w, uids) in enumerate(entries):
            w.hold = None
            shared = shared or bool((owner[uids] >= 0).any())
            owner[uids] = k
        if shared:  # a flow written to several calls' pcaps (rare): pcap by pcap
            for w, _uids in entries:
                self.by_writer[id(w)] = (w, _uids)
                self.write(w, rows)
            return
        wk = owner[self.fid[rows]]
        rows, wk = rows[wk >= 0], wk[wk >= 0]
        if not len(rows):
            return
        order = np.argsort(wk, kind="stable")
        rows, wk = rows[order], wk[order]
        records, starts = rtp_records(self.buf, self.cols, self.idx[rows])
        cuts = [0, *(np.flatnonzero(np.diff(wk)) + 1).tolist(), len(rows)]
        for a, b in zip(cuts[:-1], cuts[1:], strict=False):
            w = entries[int(wk[a])][0]
            if w.paused or w.raw_ok:
                for j in range(a, b):
                    w.add_rtp(records[starts[j] : starts[j + 1]].tobytes())
            else:
                w.full.add(records[starts[a] : starts[b]].tobytes())

    def _fold(self, rows):
        pipe, buf, cols, idx, flows = self.pipe, self.buf, self.cols, self.idx, self.flows
        analyzer = pipe.analyzer
        hdr = rtp_headers(buf, cols, idx[rows])
        fid = self.fid[rows]
        ts = self.ts[rows]
        # RFC 2833 events of flows that negotiated them: in arrival order
        with_events = [i for i in np.unique(fid).tolist() if flows[i].event_pts]
        if with_events:
            table = np.zeros((len(flows), 128), dtype=bool)
            for i in with_events:
                table[i, list(flows[i].event_pts)] = True
            for k in np.flatnonzero(table[fid, hdr[:, 1] & 0x7F]).tolist():
                off, n = int(cols[idx[rows[k]], C_PAY_OFF]), int(cols[idx[rows[k]], C_PAY_LEN])
                analyzer._dtmf(float(ts[k]), flows[int(fid[k])], bytes(buf[off : off + n]))
        order = np.argsort(fid, kind="stable")
        cuts = [0, *(np.flatnonzero(np.diff(fid[order])) + 1).tolist(), len(order)]
        for a, b in zip(cuts[:-1], cuts[1:], strict=False):
            sel = order[a:b]
            flow = flows[int(fid[sel[0]])]
            # chunks end where the per-packet path ends them (every CHUNK_MAX packets of a flow): the
            # first chunk decides the stream's packetisation time for the MOS
            while len(sel):
                room = CHUNK_MAX - len(flow.arr)
                part, sel = sel[:room], sel[room:]
                flow.arr.frombytes(ts[part].tobytes())
                flow.hdr += hdr[part].tobytes()
                if len(flow.arr) >= CHUNK_MAX:
                    flow.flush()
        analyzer.stats["packets"] += len(rows)
        analyzer.stats["bytes"] += int(cols[idx[rows], C_PAY_LEN].sum()) + 42 * len(rows)
