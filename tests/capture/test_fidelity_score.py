"""The fidelity score on every reference capture, and the issue's bars on the three synthetic ones.

The score (tests/capture/scoring.py) is printed at the end of the run (tests/capture/conftest.py) and
by bench/fidelity.py. The synthetic pcaps are rebuilt by the shared generator and used only when their
sha256 is the README's (reference.synthetic_capture).
"""

import functools

import pytest

from apps.capture.analyzer import analyze_capture

from .reference import capture_names, capture_path, reference, synthetic_names
from .scoring import SCORES, score_capture

pytestmark = pytest.mark.skipif(not capture_names(), reason="shared captures not found (set VOIPMON_SHARED_DIR)")
WITH_CALLS = [n for n in capture_names() + synthetic_names() if reference(n)["cdrs"]]


@functools.cache
def analysed(name):
    ref = reference(name)
    result = analyze_capture(capture_path(name))
    SCORES[name] = score_capture(ref, result.calls)
    return ref, result, SCORES[name]


@pytest.mark.parametrize("name", WITH_CALLS)
def test_every_reference_call_is_found_and_scored(name):
    ref, _result, score = analysed(name)
    assert score["found"] == score["calls"] == len(ref["cdrs"])
    assert score["produced"].pairs > 0


@pytest.mark.parametrize("name", synthetic_names())
def test_synthetic_capture_meets_the_bars(name):
    ref, result, score = analysed(name)
    assert score["calls_mos_within"] >= 0.98 * score["calls"]  # the six MOS columns within one unit
    assert score["produced"].exact >= 0.90 * score["produced"].pairs
    calls = {c.fields["callid"]: c.fields for c in result.calls}
    streams = lost_exact = 0
    for rc in ref["cdrs"]:
        ours = calls[rc["cdr_next"]["fbasename"]]
        for side in "ab":
            streams += 1
            lost_exact += rc["cdr"][f"{side}_lost"] == ours[f"{side}_lost"]
            assert abs(rc["cdr"][f"{side}_avgjitter_mult10"] - ours[f"{side}_avgjitter_mult10"]) <= 1
            assert abs(rc["cdr"][f"{side}_maxjitter"] - ours[f"{side}_maxjitter"]) <= 1
    assert lost_exact >= 0.99 * streams


def test_synthetic_references_are_all_there():
    """CI must not silently score fewer captures: the three synthetic references of the issue."""
    assert synthetic_names() == ["synthetic_seed2_loss1_jit3", "synthetic_seed3_loss3_jit8",
                                 "synthetic_seed4_loss6_jit20"]  # fmt: skip
