"""Per RTP stream, our received / lost / max and mean jitter against Wireshark's ``-z rtp,streams``."""

import pytest

from apps.capture.analyzer import analyze_capture

from .reference import capture_names, capture_path
from .tshark_streams import DISABLE_T38, tshark_available, tshark_rtp_streams

pytestmark = [
    pytest.mark.skipif(not capture_names(), reason="shared captures not found (set VOIPMON_SHARED_DIR)"),
    pytest.mark.skipif(not tshark_available(), reason="tshark is not installed"),
]

# Max and mean jitter: where cdr-model.md's definition departs from tshark's on purpose.
JITTER_DEVIATIONS = {
    (
        "sip_dtmf_rfc2833_via_proxy",
        4376,
        4376,
    ): "tshark feeds the RFC 2833 telephone-event packets into the jitter (15.8 ms); cdr-model.md skips them",
    (
        "sip_fax_gateway_t38_declined_megaco",
        16756,
        15580,
    ): "CN/silence gaps of up to 9 s: tshark's jitter takes the timestamp jumps (2730 ms); cdr-model.md zeroes "
    "|D| > 5000 ms and the sniffer agrees with us (a_maxjitter 16)",
}


def _ours(result):
    out = {}
    for call in result.calls:
        for s in call.streams:
            out[(s["saddr"], s["sport"], s["daddr"], s["dport"], s["ssrc"])] = s
    for s in result.orphan_streams:
        out[(s["saddr"], s["sport"], s["daddr"], s["dport"], s["ssrc"])] = s
    return out


@pytest.mark.parametrize("name", capture_names())
def test_rtp_streams_agree_with_tshark(name):
    path = capture_path(name)
    theirs = tshark_rtp_streams(path, disable_t38=name in DISABLE_T38)
    ours = _ours(analyze_capture(path))
    problems = []
    for t in theirs:
        key = (t["saddr"], t["sport"], t["daddr"], t["dport"], t["ssrc"])
        s = ours.get(key)
        if s is None:
            problems.append(("missing", key))
            continue
        if (s["received"], s["lost"]) != (t["packets"], t["lost"]):
            problems.append(("count", key, (s["received"], s["lost"]), (t["packets"], t["lost"])))
        tol = max(0.1, 0.02 * t["max_jitter"]) + 0.1  # + 0.1: we store max jitter x10 rounded up
        if (
            abs(s["maxjitter_mult10"] / 10 - t["max_jitter"]) > tol
            and (name, t["sport"], t["dport"]) not in JITTER_DEVIATIONS
        ):
            problems.append(("jitter", key, s["maxjitter_mult10"] / 10, t["max_jitter"]))
        tol = max(0.1, 0.02 * t["mean_jitter"]) + 0.1  # + 0.1: the mean is stored x10 rounded up
        if (
            abs(s["avgjitter_mult10"] / 10 - t["mean_jitter"]) > tol
            and (name, t["sport"], t["dport"]) not in JITTER_DEVIATIONS
        ):
            problems.append(("mean jitter", key, s["avgjitter_mult10"] / 10, t["mean_jitter"]))
    extra = set(ours) - {(t["saddr"], t["sport"], t["daddr"], t["dport"], t["ssrc"]) for t in theirs}
    assert not problems
    assert not extra
