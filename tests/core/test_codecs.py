"""The one codec table against the spec's list of codec codes (cdr-model.md) and RFC 3551's clocks."""

import re

from apps.core.codecs import BY_CODE, BY_VARIANT, CODECS, clock_rate, codec_code, codec_name, rtpmap_for_code
from tests.conftest import SHARED


def spec_codes():
    """Every code the spec's "Codec codes" section names, ranges such as 302-305 expanded."""
    text = (SHARED / "spec" / "cdr-model.md").read_text()
    section = text.split("## Codec codes", 1)[1].split("\n## ", 1)[0]
    codes = set()
    for low, high in re.findall(r"(?<![\w./-])(\d+)(?:-(\d+))?(?= [A-Za-z])", section):
        codes.update(range(int(low), int(high or low) + 1))
    return codes


def test_the_table_holds_exactly_the_codes_of_the_spec():
    assert len(BY_CODE) == len(CODECS)
    assert set(BY_CODE) == spec_codes()


def test_silk_and_isac_codes_per_clock_follow_the_spec():
    assert {clock: BY_VARIANT[("SILK", clock)].code for clock in (8000, 12000, 16000, 24000)} == {
        8000: 302,
        12000: 303,
        16000: 304,
        24000: 305,
    }
    assert BY_VARIANT[("ISAC", 16000)].code == 307 and BY_VARIANT[("ISAC", 32000)].code == 308


def test_static_payload_types_map_to_themselves_with_rfc3551_clocks():
    for pt in (0, 3, 4, 8, 9, 12, 13, 18):
        encoding = rtpmap_for_code(pt).split("/")[0]
        assert codec_code(encoding) == pt
        assert clock_rate(pt) == 8000  # RFC 3551 table 4, G.722 included (its clock is 8000 by the RFC's error)
    assert clock_rate(9, 16000) == 8000 and clock_rate(111, 48000) == 48000


def test_names_and_unknown_codes():
    assert codec_name(0) == "PCMU" and codec_name(1000) == "T.38" and codec_name(None) == ""
    assert codec_name(12345) == "12345"
    assert codec_code("G729a") == 18 and codec_code("no-such-codec", 101) == 101
