"""The quality formulas of cdr-model.md, each written once.

Scalar helpers (``delay_bucket``, ``jitter_update`` ...) are the definitions; ``chunk_*`` functions
apply them to numpy arrays of one stream's packets, carrying state between chunks so a stream is
processed in bounded memory. MOS from loss is ``apps.core.quality``, shared with the synthetic calls.
Unit tests exercise both on hand-built sequences.
"""

import math

import numpy as np

from apps.core.cdrcolumns import DELAY_BUCKETS

JITTER_JUMP_MS = 5000.0
DELAY_EDGES = DELAY_BUCKETS
DELAY_WEIGHTS = (60, 80, 105, 135, 175, 250, 300)


def jitter_update(j, d_ms):
    """RFC 3550 running jitter (ms) after a packet with transit difference ``d_ms``."""
    if abs(d_ms) > JITTER_JUMP_MS:
        d_ms = 0.0
    return j + (abs(d_ms) - j) / 16.0


def delay_bucket(d_ms):
    """Index 0..6 of the d50..d300 bucket for |D| in whole ms, or None below 50 ms."""
    v = int(abs(d_ms))
    idx = None
    for i, edge in enumerate(DELAY_EDGES):
        if v >= edge:
            idx = i
    return idx


def delay_summary(buckets):
    """(delay_sum, delay_cnt, delay_avg_mult100) from the seven d-buckets."""
    total = sum(w * n for w, n in zip(DELAY_WEIGHTS, buckets, strict=False))
    cnt = sum(buckets)
    return total, cnt, (round(total * 100 / cnt) if cnt else 0)


def loss_burst_bucket(n):
    """Index 0..9 of sl1..sl10 for a closed gap of ``n`` lost packets."""
    return min(n, 10) - 1


def loss_perc_mult1000(lost, received):
    """Loss percentage x1000 of expected packets (lost / (received + lost))."""
    expected = received + lost
    if expected <= 0 or lost <= 0:
        return 0
    return int(round(lost * 100000.0 / expected))


def ceil_mult(value, mult):
    """Round a positive measure up after scaling (the sniffer stores jitter rounded up)."""
    return int(math.ceil(value * mult - 1e-9)) if value > 0 else 0


# ---------------------------------------------------------------- numpy chunk helpers


def chunk_jitter(d_ms, j0):
    """Running jitter over a chunk of transit differences: J_n = J_{n-1} + (|D_n| - J_{n-1}) / 16.

    Solved in closed form with a scaled cumulative sum; chunks are at most CHUNK_MAX packets so the
    scale factor (16/15)^n stays far inside float64 range.
    """
    n = len(d_ms)
    if n == 0:
        return np.empty(0), j0
    a = 15.0 / 16.0
    k = np.arange(1, n + 1, dtype=np.float64)
    apow = a**k
    terms = np.abs(d_ms) / 16.0 / apow
    j = apow * (j0 + np.cumsum(terms))
    return j, float(j[-1])


def chunk_delay_hist(d_ms):
    """Counts per d50..d300 bucket of |D| in whole ms."""
    v = np.abs(d_ms).astype(np.int64)
    idx = np.searchsorted(np.asarray(DELAY_EDGES), v, side="right") - 1
    return np.bincount(idx[idx >= 0], minlength=7)[:7]
