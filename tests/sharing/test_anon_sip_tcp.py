"""SIP over TCP split across segments (a capture built from the real G.729 call's messages, see
sip_tcp_capture.py): after anonymising, tshark reassembles the same SIP messages, each Content-Length
ends its body exactly, the TCP conversation has no sequence problem, and no original address is left,
not even one cut in two by a segment boundary."""

import pytest

from apps.capture.pcapio import pcap_iter_file
from apps.media.pcapmerge import pcap_merge_stream
from apps.sharing.anon import Anonymizer, anonymize_records
from apps.sharing.anonpcap import anonymized_pcap_chunks
from tests.conftest import SHARED

from . import sip_tcp_capture
from . import tshark_check as ts

SOURCE = SHARED / "captures" / "sip_rtp_g729a.pcap"
PROBLEMS = "tcp.analysis.flags || _ws.malformed || _ws.expert.severity >= warning"


@pytest.fixture(scope="module")
def capture(tmp_path_factory):
    """(original, anonymised by the block writer, anonymised record by record)."""
    folder = tmp_path_factory.mktemp("sip-tcp")
    original = folder / "sip-tcp.pcap"
    sip_tcp_capture.build(SOURCE, original)
    block, records = folder / "block.pcap", folder / "records.pcap"
    anonymizer = Anonymizer()
    anonymizer.prescan(pcap_iter_file(original))
    block.write_bytes(b"".join(anonymized_pcap_chunks(original, anonymizer)))
    anonymizer = Anonymizer()
    anonymizer.prescan(pcap_iter_file(original))
    _kind, chunks = pcap_merge_stream([original], lambda rows: anonymize_records(rows, anonymizer))
    records.write_bytes(b"".join(chunks))
    return original, block, records


def test_the_built_capture_is_split_sip_over_tcp_that_tshark_reads_cleanly(capture):
    original, _block, _records = capture
    assert ts.checksum_errors(original) == []
    assert ts.tshark_fields(original, ["frame.number"], PROBLEMS) == []
    reassembled = ts.tshark_fields(original, ["frame.number"], "sip && tcp.reassembled.length")
    assert len(reassembled) >= 2  # the INVITE and the 200 OK come in more than one segment
    assert [row[0] for row in ts.sip_messages(original)] == ["INVITE", "", "", "ACK", "BYE", ""]


@pytest.mark.parametrize("which", ["block", "records"])
def test_split_sip_over_tcp_stays_consistent_after_anonymising(capture, which):
    original, block, records = capture
    target = block if which == "block" else records
    assert ts.checksum_errors(target) == []
    assert ts.tshark_fields(target, ["frame.number"], PROBLEMS) == []
    assert ts.sip_messages(target) == ts.sip_messages(original)
    assert sum(1 for _ in pcap_iter_file(target)) == sum(1 for _ in pcap_iter_file(original))


@pytest.mark.parametrize("which", ["block", "records"])
def test_each_content_length_ends_its_body_in_the_reassembled_stream(capture, which):
    """The stream as tshark reassembles it, cut by each message's own Content-Length: every body is the whole
    SDP (or empty), and what follows is the next message's start line or the end of the stream."""
    original, block, records = capture
    target = block if which == "block" else records
    before, after = sip_tcp_capture.stream_messages(original), sip_tcp_capture.stream_messages(target)
    assert [head.split(b"\r\n")[0].split(b" ")[0] for head, _b, _n in after] == [
        head.split(b"\r\n")[0].split(b" ")[0] for head, _b, _n in before
    ]
    for (_head, body, following), (_old_head, old_body, _old_following) in zip(after, before, strict=True):
        assert following == b"" or following.startswith((b"SIP/2.0 ", b"ACK ", b"BYE ", b"INVITE "))
        assert bool(body) == bool(old_body)
        if body:
            assert body.startswith(b"v=0\r\n") and body.endswith(b"\r\n")
            assert body.count(b"\r\n") == old_body.count(b"\r\n")
    assert any(len(body) != len(old_body) for (_h, body, _f), (_o, old_body, _g) in zip(after, before, strict=True))


@pytest.mark.parametrize("which", ["block", "records"])
def test_no_original_address_is_left_even_one_cut_by_a_segment_boundary(capture, which):
    original, block, records = capture
    target = block if which == "block" else records
    originals = ts.addresses(original)
    content = target.read_bytes()
    assert originals
    assert not [str(addr) for addr in originals if any(form in content for form in ts.forms(addr))]
    stream = b"".join(head + body for head, body, _f in sip_tcp_capture.stream_messages(target))
    assert not [str(addr) for addr in originals if str(addr).encode() in stream]
