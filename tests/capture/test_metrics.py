"""The formulas of cdr-model.md on hand-built sequences (expected values computed by hand)."""

import numpy as np
import pytest

from apps.capture import metrics
from apps.capture.rtpstats import StreamStats
from apps.core import quality


def _stream(seqs, arrivals_ms, ts_step=160):
    st = StreamStats(1, lambda pt: 8000, set())
    seq = np.array([s & 0xFFFF for s in seqs], dtype=np.uint16)
    ts = np.array([(s - seqs[0]) * ts_step for s in seqs], dtype=np.uint32)
    st.fold(np.array(arrivals_ms, dtype=np.float64) / 1000.0, seq, ts, np.zeros(len(seqs), dtype=np.uint8))
    return st


def test_mos_is_4_5_below_five_lost_frames():
    assert quality.mos_from_interval(4, 4, 496) == 4.5


def test_mos_cubic_for_known_interval():
    # 10 lost in 2 bursts of 5 out of 490 received: Ppl = 10/490, BurstR = 5 * (1 - Ppl)
    ppl = 10 / 490
    p = 100 * ppl
    r = 93.2062077233 - 95 * p / (p / (5 * (1 - ppl)) + 17.2647)
    expected = 2.06405 + 0.031738 * r - 0.000356641 * r**2 + 2.93143e-6 * r**3
    assert quality.mos_from_interval(10, 2, 490) == pytest.approx(expected)
    assert 3.0 < expected < 4.5


def test_mos_is_1_when_more_than_half_lost():
    assert quality.mos_from_interval(300, 1, 200) == 1.0


def test_jitter_update_rfc3550_and_timestamp_jump():
    assert metrics.jitter_update(0.0, 16.0) == 1.0
    assert metrics.jitter_update(1.0, 6000.0) == pytest.approx(1.0 - 1.0 / 16)


def test_chunk_jitter_equals_sequential_update():
    d = np.array([3.0, -5.0, 0.5, 12.0, -1.0])
    j, last = metrics.chunk_jitter(d, 2.0)
    ref, seq = 2.0, []
    for x in d:
        ref = metrics.jitter_update(ref, x)
        seq.append(ref)
    assert np.allclose(j, seq) and last == pytest.approx(seq[-1])


def test_delay_buckets_and_summary():
    assert [metrics.delay_bucket(x) for x in (49.9, 50, 69, 70, 95, 121, 160, 250, 301)] == [
        None,
        0,
        0,
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    assert metrics.delay_summary([1, 0, 0, 0, 1, 0, 2]) == (60 + 175 + 600, 4, 20875)


def test_loss_bursts_fill_sl_buckets():
    # seqs 0..99 with gaps: 1 lost at 10, 3 lost at 30-32, 12 lost at 60-71
    missing = {10} | {30, 31, 32} | set(range(60, 72))
    seqs = [s for s in range(100) if s not in missing]
    st = _stream(seqs, [s * 20.0 for s in seqs])
    assert st.lost == 16 and st.received == 84
    assert st.sl == [1, 0, 1, 0, 0, 0, 0, 0, 0, 1]
    assert metrics.loss_perc_mult1000(16, 84) == 16000


def test_reordered_packet_is_not_lost():
    seqs = [0, 1, 2, 4, 3, 5, 6]
    st = _stream(seqs, [0, 20, 40, 60, 61, 100, 120])
    assert (st.lost, st.reordered, st.sl[0]) == (0, 1, 1)


def test_sequence_wraps_without_loss():
    seqs = list(range(65530, 65546))
    st = _stream(seqs, [i * 20.0 for i in range(len(seqs))])
    assert (st.lost, st.received) == (0, 16)


def test_perfect_stream_has_zero_jitter_and_top_mos():
    seqs = list(range(600))
    st = _stream(seqs, [s * 20.0 for s in seqs])
    assert st.jitter_max == pytest.approx(0.0, abs=1e-9) and st.avg_jitter == pytest.approx(0.0, abs=1e-9)
    st.playout.finish()
    assert st.playout.mos_mult10(0) == (45, 45) and st.ptime_ms() == 20


def test_constant_offset_jitter_by_hand():
    # every second packet 4 ms late: |D| alternates 4, 4, ... -> J_n = 4 * (1 - (15/16)^n)
    seqs = list(range(33))
    arrivals = [s * 20.0 + (4.0 if s % 2 else 0.0) for s in seqs]
    st = _stream(seqs, arrivals)
    assert st.jitter_max == pytest.approx(4 * (1 - (15 / 16) ** 32))


def test_a_late_step_lands_in_the_delay_histogram():
    # from packet 100 on everything is 120 ms later: one |D| of 120 ms (MOS: test_sniffer_mos.py)
    seqs = list(range(300))
    arrivals = [s * 20.0 for s in seqs]
    for s in range(100, 300):
        arrivals[s] += 120.0
    st = _stream(seqs, arrivals)
    assert list(st.dhist) == [0, 0, 0, 1, 0, 0, 0]
