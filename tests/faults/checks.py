"""Oracles of the fault tests: what a finished import must look like, recomputed from the storage itself
and from the synthetic capture's own call list (bench/gen_capture.py), not from the import code."""

from pathlib import Path

import dpkt

from bench.gen_capture import gen_capture


def capture_of(path, calls, seconds=2.0):
    """A synthetic capture of `calls` concurrent G.711 calls (Call-IDs bench-0..); returns its path."""
    gen_capture(str(path), calls, seconds)
    return Path(path)


def pcap_packet_count(path):
    """Packets in a pcap, read to the end: a file cut short raises."""
    with open(path, "rb") as handle:
        return sum(1 for _ in dpkt.pcap.Reader(handle))


def stored_call_files(media_root):
    """Every file under the media root's pcaps/, relative to the root, with any partial (`.part`) name."""
    root = Path(media_root)
    return {str(p.relative_to(root)) for p in (root / "pcaps").rglob("*") if p.is_file()}


def assert_calls_whole(cdrs, media_root):
    """Each call has both its pcaps, complete, and no file is left that no call refers to."""
    referenced = set()
    for cdr in cdrs:
        assert cdr.pcap_sip and cdr.pcap_full, cdr.callid
        for name in (cdr.pcap_sip, cdr.pcap_full):
            assert pcap_packet_count(Path(media_root) / name) > 0, name
            referenced.add(name)
    assert stored_call_files(media_root) == referenced
