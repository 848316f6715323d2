"""The peak-concurrency sweep in SQL agrees with a brute-force count on random calls."""

import datetime as dt
import random

import pytest

from apps.cdr.selectors import cdr_peak_concurrency
from apps.users.actor import actor_for_user

pytestmark = pytest.mark.django_db


def brute_force(intervals, start, end):
    instants = {max(s, start) for s, e in intervals if s < end and e > start}
    return max((sum(1 for s, e in intervals if s <= t < e and e > start) for t in instants), default=0)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_peak_matches_brute_force(tenant_a, user_a, make_call, seed):
    rng = random.Random(seed)
    base = dt.datetime(2024, 3, 5, tzinfo=dt.UTC)
    intervals = []
    for _ in range(40):
        begin = base + dt.timedelta(minutes=rng.randrange(-120, 600))
        length = rng.choice([30, 60, 300, 900, 3600])
        make_call(tenant_a, calldate=begin.strftime("%Y-%m-%d %H:%M:%S"), duration=float(length))
        intervals.append((begin, begin + dt.timedelta(seconds=length)))
    start, end = base, base + dt.timedelta(hours=8)
    expected = brute_force(intervals, start, end)
    assert expected > 1
    assert cdr_peak_concurrency(actor=actor_for_user(user_a), start=start, end=end) == expected
