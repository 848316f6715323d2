"""Anonymisation on every public capture: tshark validates every checksum of the copy, none of the
original addresses is left in its bytes, and SIP and RTP are unchanged as tshark decodes them."""

import glob
import ipaddress
import os
import re

import pytest

from apps.capture.pcapio import CaptureFormatError, PcapSource, pcap_iter_file
from apps.media.pcapmerge import pcap_merge_stream
from apps.sharing.anon import AddressMap, Anonymizer, NumberMask, anonymize_records
from apps.sharing.anonpcap import anonymized_pcap_chunks
from tests.conftest import SHARED

from . import tshark_check as ts

CAPTURES = sorted(glob.glob(str(SHARED / "captures" / "*.pcap*")))


def anonymised_copy(source, target, anonymizer=None):
    """Classic pcap through the share's record-by-record writer, pcapng through the merge writer: both
    writers the share page uses are checked on every capture."""
    anonymizer = anonymizer or Anonymizer()
    anonymizer.prescan(pcap_iter_file(source))
    try:
        chunks = anonymized_pcap_chunks(source, anonymizer)
    except CaptureFormatError:
        _kind, chunks = pcap_merge_stream([source], lambda records: anonymize_records(records, anonymizer))
    with open(target, "wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
    return anonymizer


def test_every_public_capture_is_there():
    assert len(CAPTURES) >= 12, CAPTURES


@pytest.fixture(scope="module", params=CAPTURES, ids=os.path.basename)
def pair(request, tmp_path_factory):
    target = tmp_path_factory.mktemp("anon") / (os.path.basename(request.param).split(".")[0] + ".pcap")
    anonymizer = anonymised_copy(request.param, target)
    return request.param, target, anonymizer


def test_checksums_validate_in_tshark(pair):
    source, target, _anon = pair
    assert ts.checksum_errors(target) == []
    # what tshark cannot decode in the copy it could not decode in the original either (T.38, SMPP, ...)
    assert ts.malformed(target) <= ts.malformed(source)


def test_no_original_address_is_left_anywhere(pair):
    source, target, _anon = pair
    originals = ts.addresses(source)
    assert originals, "tshark found no address in the original"
    content = target.read_bytes()
    left = sorted(str(addr) for addr in originals if any(form in content for form in ts.forms(addr)))
    assert not left, left
    assert not (ts.addresses(target) & originals)


def test_sip_messages_are_the_same(pair):
    source, target, _anon = pair
    assert ts.sip_messages(target) == ts.sip_messages(source)


def test_rtp_packet_counts_per_stream_are_the_same(pair):
    source, target, _anon = pair
    assert ts.rtp_counts(target) == ts.rtp_counts(source)


def test_frame_count_is_the_same(pair):
    source, target, _anon = pair
    assert sum(1 for _ in pcap_iter_file(target)) == sum(1 for _ in pcap_iter_file(source))


def test_sip_content_length_matches_the_rewritten_body(pair):
    """Each SIP message over UDP (reassembled by tshark), split here at its blank line: the body's length in
    bytes equals the Content-Length header, and tshark finds no malformed SIP."""
    source, target, _anon = pair
    rows = ts.tshark_fields(target, ["sip.Content-Length", "udp.payload"], "udp && sip.Content-Length")
    checked = 0
    for declared, payload in rows:
        message = bytes.fromhex(payload.replace(":", ""))
        head, _sep, body = message.partition(b"\r\n\r\n")
        assert int(declared.split(",")[0]) == len(body), head[:80]
        checked += 1
    originals = ts.tshark_fields(source, ["frame.number"], "udp && sip.Content-Length")
    assert checked == len(originals)
    assert ts.tshark_fields(target, ["frame.number"], "sip && _ws.malformed") == []


def test_mapping_is_consistent_and_follows_the_rules(tmp_path):
    source = str(SHARED / "captures" / "sip_g711u_call_both_ways_loss_bye.pcap")
    originals = sorted(ts.addresses(source), key=str)
    mapper = AddressMap(rules=[("0.0.0.0/0", "203.0.113.0/24"), ("10.0.0.0/8", "172.16.0.0/8")])
    anonymised_copy(source, tmp_path / "a.pcap", Anonymizer(mapper))
    after = ts.addresses(tmp_path / "a.pcap")
    # one replacement per original (the mapping is a bijection on what the call holds)
    assert len(after) == len(originals)
    for addr in originals:
        assert mapper.mapped[addr] in after
        assert mapper.mapped[addr].version == addr.version


def test_equal_masks_keep_the_host_part_and_defaults_land_in_the_documentation_ranges():
    mapper = AddressMap(rules=[("10.1.0.0/16", "172.30.0.0/16")])
    address = ipaddress.ip_address
    assert str(mapper.address(address("10.1.2.3"))) == "172.30.2.3"
    assert mapper.address(address("192.0.2.7")) in ipaddress.ip_network("198.18.0.0/15")
    assert mapper.address(address("2001:db8:aa::1")) in ipaddress.ip_network("2001:db8::/32")
    assert mapper.address(address("0.0.0.0")) == address("0.0.0.0")  # "on hold" keeps its meaning


def test_two_maps_of_one_share_agree_whatever_order_they_meet_addresses_in():
    """The page and the pcap are separate requests: the same salt must give the same mapping."""
    addresses = [ipaddress.ip_address(f"192.0.2.{n}") for n in range(1, 60)] + [ipaddress.ip_address("2001:db8::5")]
    first, second = AddressMap(salt=b"share-1"), AddressMap(salt=b"share-1")
    forward = {addr: first.address(addr) for addr in addresses}
    backward = {addr: second.address(addr) for addr in reversed(addresses)}
    assert forward == backward
    assert len(set(forward.values())) == len(addresses)
    other = AddressMap(salt=b"share-2")
    assert [other.address(a) for a in addresses] != list(forward.values())


def test_number_masking_keeps_the_last_digits(tmp_path):
    source = str(SHARED / "captures" / "sip_g711u_call_both_ways_loss_bye.pcap")
    texts = ts.tshark_fields(source, ["sip.from.user", "sip.to.user"], "sip.Method == INVITE")
    caller, called = texts[0][0], texts[0][1]
    digits = [n for n in (caller, called) if re.fullmatch(r"\+?\d{5,}", n)]
    assert digits, texts
    anonymised_copy(source, tmp_path / "m.pcap", Anonymizer(numbers=NumberMask(digits, keep=2)))
    content = (tmp_path / "m.pcap").read_bytes()
    for number in digits:
        assert number.encode() not in content
    after = ts.tshark_fields(tmp_path / "m.pcap", ["sip.from.user"], "sip.Method == INVITE")
    assert after[0][0].endswith(caller[-2:]) and after[0][0].count("x") == sum(c.isdigit() for c in caller) - 2


def test_block_writer_equals_the_record_by_record_rewrite(pair, tmp_path):
    """The share serves classic pcaps through the vectorised block writer; every frame it writes is the one
    the record-by-record rewrite makes of the same packet (that path is what the checks above hold for
    pcapng), also when blocks are small enough that records straddle them."""
    source, target, _anon = pair
    probe = PcapSource(source)
    probe.close()
    if probe.is_ng:
        return  # pcapng is rewritten record by record already
    reference = tmp_path / "reference.pcap"
    anonymizer = Anonymizer()
    anonymizer.prescan(pcap_iter_file(source))
    _kind, chunks = pcap_merge_stream([source], lambda records: anonymize_records(records, anonymizer))
    reference.write_bytes(b"".join(chunks))
    small = tmp_path / "small-blocks.pcap"
    anonymizer = Anonymizer()
    anonymizer.prescan(pcap_iter_file(source))
    small.write_bytes(b"".join(anonymized_pcap_chunks(source, anonymizer, block_size=4096)))
    expected = [data for _ts, _lt, data in pcap_iter_file(reference)]
    assert [data for _ts, _lt, data in pcap_iter_file(target)] == expected
    assert small.read_bytes() == target.read_bytes()
