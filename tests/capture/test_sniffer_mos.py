"""MOS of hand-built streams, the expected values worked out here from shared/spec/sniffer-mos-method.md.

Every stream is G.711 at 20 ms (8 kHz, 160 timestamp units a packet), packet i sent at 20*i ms. The
rules used below, from the description:

- The playout clock starts at the first frame's arrival; before a packet is put, one get happens for
  every 20 ms by which its arrival is at least 40 ms past the clock. So the get of tick j (time 20*j)
  runs just before the first packet that arrives at 20*j + 40 or later.
- Fixed buffer of size D: frame m plays at D + 20*m (relative to the first frame), i.e. at the first
  tick at or after it: tick m + 3 for D = 50 ms, tick m + 10 for D = 200 ms. A missing frame adds one
  to the pending burst at its tick; the burst is booked when the next frame is delivered. A burst still
  pending when the packets stop is never booked.
- Sequence validation: the first packet only seeds it, the second ends probation, so the stream's
  `received` counts from the third packet on; the interval's `received` is its increase.
- Intervals: packet k triggers when its time passes the last trigger (first: the first packet) by more
  than 10 s; the interval is scored 20 packets later, after that packet. One more at the end if more
  than 1 s has passed. Interval MOS: 4.5 below 5 lost, else the description's R formula and cubic,
  kept as round(MOS * 10). Call value: mean weighted by (time of scoring - time of the previous
  scoring), f1 truncated, f2 rounded; the `_min_` column is the worst interval.

For a 30 s stream (packets 0..1499 at 20 ms) that gives triggers at packets 501 (10020 ms) and 1002
(20040 ms), scored 20 *arriving* packets later: after packets 521 (10420 ms) and 1022 (20440 ms) when
nothing is lost in between, and the last interval at 29980 ms.
"""

import math

import numpy as np

from apps.capture.playout import StreamPlayout

P1, P2, END = 521, 1022, 1499  # packets after which the three intervals are scored
T1, T2, T3 = 10420, 20440, 29980  # their times (ms after the first packet)


def interval_mos10(lost, bursts, received):
    """The description's per-interval integer, computed here on its own."""
    if lost < 5:
        return 45
    ppl = lost / received
    if ppl > 0.5:
        return 10
    burst_r = max(1.0, lost / bursts * (1 - ppl))
    p = 100 * ppl
    r = 93.2062077233 - 95 * p / (p / burst_r + 17.2647)
    mos = 2.06405 + 0.031738 * r - 0.000356641 * r**2 + 2.93143e-6 * r**3
    return int(math.floor(min(4.5, max(1.0, mos)) * 10 + 0.5))


def call_value(intervals, truncate):
    """(stored value, min) from [(mos10, scoring time ms), ...] by the time-weighted mean."""
    avg, t_old = None, 0
    for mos, t in intervals:
        avg = mos if avg is None else (avg * t_old + mos * (t - t_old)) / t
        t_old = t
    return (int(avg) if truncate else int(math.floor(avg + 0.5))), min(m for m, _ in intervals)


def play(lost=(), late=None):
    """Feed packets 0..1499 minus `lost` (sequence numbers); `late` = {seq: extra ms}."""
    late = late or {}
    rows = sorted((20.0 * i + late.get(i, 0), i) for i in range(END + 1) if i not in lost)
    arrival = np.array([1_700_000_000 + t / 1000 for t, _ in rows])
    seq = np.array([(1000 + i) & 0xFFFF for _, i in rows], dtype=np.uint16)
    ts = np.array([(5_000_000 + 160 * i) & 0xFFFFFFFF for _, i in rows], dtype=np.uint32)
    b1 = np.zeros(len(rows), dtype=np.uint8)
    playout = StreamPlayout(8000)
    playout.feed(arrival, seq, ts, b1, np.ones(len(rows), dtype=bool), 20)
    playout.finish()
    return playout


def received_between(first, last, lost):
    """Packets counted by sequence validation after packet `first` up to packet `last` (both numbers)."""
    return sum(1 for i in range(max(first + 1, 2), last + 1) if i not in lost)


def test_clean_stream_scores_4_5_everywhere():
    playout = play()
    assert [playout.mos_mult10(k) for k in range(3)] == [(45, 45)] * 3
    assert (playout.received_column, playout.lost) == (1500, 0)


def test_burst_before_a_boundary_is_booked_in_the_next_interval_by_the_200ms_buffer_only():
    # 6 frames lost, 510..515, after the trigger (packet 501): the first interval is scored after the
    # 20th packet that arrives after 501, packet 527 (10540 ms). f1 books the burst when frame 516 plays:
    # tick 519, run before packet 521 (first interval). f2 books it at tick 526, run before packet 528
    # (second interval).
    lost = set(range(510, 516))
    playout = play(lost)
    rec1, rec2, rec3 = (received_between(-1, 527, lost), received_between(527, P2, lost),
                        received_between(P2, END, lost))  # fmt: skip
    assert (rec1, rec2, rec3) == (520, 495, 477)
    f1 = [(interval_mos10(6, 1, rec1), 10540), (45, T2), (45, T3)]
    f2 = [(45, 10540), (interval_mos10(6, 1, rec2), T2), (45, T3)]
    assert f1[0][0] < 45 and f2[1][0] < 45
    assert playout.mos_mult10(0) == call_value(f1, truncate=True)
    assert playout.mos_mult10(1) == call_value(f2, truncate=False)
    assert (playout.lost, playout.sl[5]) == (6, 1)


def test_two_short_bursts_in_one_interval_are_scored_together():
    # 3 + 4 frames lost in the first interval: 7 lost in 2 bursts (each alone would be under 5), booked by
    # both fixed buffers long before packet 521; the other intervals are clean.
    lost = {100, 101, 102, 300, 301, 302, 303}
    playout = play(lost)
    first = interval_mos10(7, 2, received_between(-1, P1, lost))
    assert first < 45
    for k, truncate in ((0, True), (1, False)):
        assert playout.mos_mult10(k) == call_value([(first, T1), (45, T2), (45, T3)], truncate)
    assert playout.sl[2:4] == [1, 1]


def test_burst_at_the_very_end_is_never_booked():
    # frames 1490..1495 lost, 1496..1499 arrive: the burst would be booked when frame 1496 plays (tick
    # 1499 for f1, 1506 for f2), but no packet comes after 1499 to run those ticks. RFC 3550 loss sees it.
    lost = set(range(1490, 1496))
    playout = play(lost)
    assert [playout.mos_mult10(k)[0] for k in range(2)] == [45, 45]
    assert playout.lost == 6


def test_late_frame_beyond_50ms_within_200ms():
    # Frame 300 arrives 110 ms late (6110 ms) and 301..305 are lost. Before it is put, ticks 302 and 303
    # run (6110 >= 20*303 + 40): 302 plays frame 299, 303 finds slot 300 empty (1 pending). Frame 300's
    # slot (6050 ms) has passed, so the 50 ms buffer counts it once more (2 pending) and, being empty,
    # restarts on it; it plays when the restarted buffer reaches it and books the burst of 2, then the 5
    # slots of 301..305 are empty and are booked as one burst when frame 306 plays: 7 lost, 2 bursts.
    # The 200 ms buffer has frame 300 in time (slot at tick 310) and books the 5 lost as one burst.
    lost = set(range(301, 306))
    playout = play(lost, late={300: 110})
    rec1 = received_between(-1, P1, lost)
    f1 = [(interval_mos10(7, 2, rec1), T1), (45, T2), (45, T3)]
    f2 = [(interval_mos10(5, 1, rec1), T1), (45, T2), (45, T3)]
    assert playout.mos_mult10(0) == call_value(f1, truncate=True)
    assert playout.mos_mult10(1) == call_value(f2, truncate=False)
    assert playout.lost == 5


def test_received_and_loss_follow_probation():
    # a gap right after the first two packets restarts probation: the loss is not counted, and the
    # packets before the restart are not counted as received (the column adds the 2 of probation)
    playout = play(lost={2})
    assert (playout.lost, playout.received_column) == (0, 1498)
    one = StreamPlayout(8000)
    one.feed(np.array([1.0]), np.array([7], dtype=np.uint16), np.array([0], dtype=np.uint32),
             np.zeros(1, dtype=np.uint8), np.ones(1, dtype=bool), 20)  # fmt: skip
    assert one.received_column == 2  # the sniffer's placeholder for a stream with nothing counted
