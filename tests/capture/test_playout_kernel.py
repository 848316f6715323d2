"""The compiled packet loop (playout_kernel) against the plain-Python reference (playout_reference) on
impaired streams the synthetic captures do not have: large jitter and delay spikes (buffer resyncs,
late frames, the adaptive buffer's silence mode), duplicates, DTMF packets, marker bits, silence
suppression (sequence contiguous, timestamp jumps), sequence and timestamp wraps, and chunk
boundaries anywhere (the kernel keeps its state between chunks)."""

import numpy as np
import pytest

from apps.capture.playout import StreamPlayout

from .playout_reference import StreamPlayout as ReferencePlayout

DTMF_PT = 101


def impaired_stream(rng):
    n = int(rng.integers(30, 2500))
    ptime = int(rng.choice([20, 20, 30, 10]))
    step = ptime * 8
    sigma = float(rng.choice([0.0, 3.0, 20.0, 60.0]))
    loss = float(rng.choice([0.0, 0.01, 0.05, 0.2]))
    seq0 = int(rng.choice([rng.integers(0, 65536), 65536 - int(rng.integers(1, 50))]))
    ts0 = int(rng.choice([rng.integers(0, 2**32), 2**32 - int(rng.integers(1, 200)) * step]))
    rows = []  # (arrival ms, seq, ts, b1, voice)
    ts_shift = 0
    seq_i = 0
    for i in range(n):
        if rng.random() < 0.005:  # silence suppression: nothing sent for a while, timestamps jump
            ts_shift += int(rng.integers(5, 200)) * step
        marker = 0x80 if (i == 0 or rng.random() < 0.005) else 0
        send = i * ptime + ts_shift / 8
        seq = (seq0 + seq_i) & 0xFFFF
        seq_i += 1
        ts = (ts0 + i * step + ts_shift) & 0xFFFFFFFF
        if rng.random() < 0.01:  # a DTMF packet in the same sequence space
            rows.append((send + abs(rng.normal(0, sigma)), seq, ts, DTMF_PT, False))
            seq = (seq0 + seq_i) & 0xFFFF
            seq_i += 1
        if rng.random() < loss:
            continue
        delay = abs(rng.normal(0, sigma)) + (float(rng.integers(150, 700)) if rng.random() < 0.003 else 0.0)
        rows.append((send + delay, seq, ts, marker, True))
        if rng.random() < 0.005:  # duplicated by the network
            rows.append((send + delay + float(rng.integers(0, 40)), seq, ts, marker, True))
    rows.sort(key=lambda r: r[0])
    arrival = np.array([1_700_000_000 + r[0] / 1000 for r in rows])
    seq = np.array([r[1] for r in rows], dtype=np.uint16)
    ts = np.array([r[2] for r in rows], dtype=np.uint32)
    b1 = np.array([r[3] for r in rows], dtype=np.uint8)
    voice = np.array([r[4] for r in rows], dtype=bool)
    return arrival, seq, ts, b1, voice, ptime


def figures(playout):
    playout.finish()
    return ([playout.mos_mult10(k) for k in range(3)], playout.received_column, playout.lost, playout.reordered,
            list(playout.sl))  # fmt: skip


@pytest.mark.parametrize("seed", range(40))
def test_kernel_matches_the_reference(seed):
    rng = np.random.default_rng(seed)
    arrival, seq, ts, b1, voice, ptime = impaired_stream(rng)
    ours = StreamPlayout(8000)
    cuts = sorted(set(rng.integers(1, len(arrival), size=int(rng.integers(0, 6))).tolist())) if len(arrival) > 1 else []
    for lo, hi in zip([0, *cuts], [*cuts, len(arrival)], strict=True):
        ours.feed(arrival[lo:hi], seq[lo:hi], ts[lo:hi], b1[lo:hi], voice[lo:hi], ptime)
    reference = ReferencePlayout(8000)
    reference.feed(arrival, seq, ts, b1, voice, ptime)
    assert figures(ours) == figures(reference)
