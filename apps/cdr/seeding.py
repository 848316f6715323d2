"""Realistic synthetic calls for demos, load tests and benchmarks. No Django import.

Traffic follows a day-shaped curve, numbers look like real ones (national, with country code,
international `00...`, extensions), 20-40 % of calls go unanswered, and quality figures are spread
like real traffic: most calls clean, a tail with loss and jitter. Columns are generated in numpy
chunks so a million rows take seconds, not minutes.
"""

import datetime as dt
from types import SimpleNamespace

import numpy as np

from apps.core.quality import mos_from_interval

HOUR_WEIGHTS = np.array(
    [1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 19, 18, 15, 16, 18, 18, 16, 12, 8, 6, 4, 3, 2, 1],
    float,
)
FAIL_CODES = [
    (486, "486 Busy Here"),
    (487, "487 Request Terminated"),
    (480, "480 Temporarily Unavailable"),
    (404, "404 Not Found"),
    (503, "503 Service Unavailable"),
    (603, "603 Decline"),
    (408, "408 Request Timeout"),
]
FAIL_WEIGHTS = np.array([30, 35, 12, 8, 6, 5, 4], float)
CODECS = np.array([8, 0, 18, 9, 311])
CODEC_WEIGHTS = np.array([45, 25, 15, 10, 5], float)
USER_AGENTS = [
    "Asterisk PBX 20.5.0",
    "FreeSWITCH-mod_sofia/1.10.11",
    "Yealink SIP-T46U 108.86.0.20",
    "Grandstream GXP2170 1.0.11.23",
    "Linphone/5.2.0",
    "Cisco-SIPGateway/IOS-15.x",
    "Zoiper rv2.10.19",
]
DOMAINS = [
    "sip.example.net",
    "voice.example.com",
    "pbx.customer.example",
    "trunk.carrier.example",
]


def number_column(rng, size):
    """Mostly national numbers, some with country code, a few international and internal extensions."""
    kind = rng.choice(4, size=size, p=[0.62, 0.25, 0.05, 0.08])
    body = rng.integers(100_000_000, 999_999_999, size=size)
    out = np.empty(size, dtype=object)
    for i in range(size):
        k, b = kind[i], body[i]
        if k == 0:
            out[i] = str(b)
        elif k == 1:
            out[i] = f"420{b}"
        elif k == 2:
            out[i] = f"00{44 + b % 50}{b}"
        else:
            out[i] = str(1000 + b % 9000)
    return out


SEED_BURST = 1.5  # mean loss-burst length of seeded calls


def seeded_mos_mult10(lost, received):
    """Seeded MOS consistent with seeded loss, through the one MOS definition (core.quality)."""
    bursts = max(1, round(lost / SEED_BURST))
    return int(round(mos_from_interval(lost, bursts, received) * 10))


TIME_COLUMNS = (
    "calldate",
    "callend",
    "duration",
    "connect_duration",
    "progress_time",
    "first_rtp_time",
    "response_time_100",
    "response_time_xxx",
)
PARTY_COLUMNS = (
    "id_sensor",
    "caller",
    "caller_domain",
    "callername",
    "called",
    "called_domain",
    "sipcallerip",
    "sipcalledip",
    "sipcallerport",
    "sipcalledport",
    "callid",
)
RESULT_COLUMNS = ("lastSIPresponseNum", "lastSIPresponse", "whohanged", "bye")
MEDIA_COLUMNS = (
    "payload",
    "a_payload",
    "b_payload",
    "a_saddr",
    "b_saddr",
    "a_ua",
    "b_ua",
    "a_rtp_ptime",
    "b_rtp_ptime",
)
# per side (a_, b_), in this order, then the call-level aggregates
SIDE_QUALITY = (
    "received",
    "lost",
    "packet_loss_perc_mult1000",
    "avgjitter_mult10",
    "maxjitter",
    "sl1",
    "sl2",
    "mos_f1_mult10",
    "mos_f2_mult10",
    "mos_adapt_mult10",
    "mos_f1_min_mult10",
    "mos_f2_min_mult10",
    "mos_adapt_min_mult10",
)
QUALITY_COLUMNS = (
    *(f"{side}_{name}" for name in SIDE_QUALITY for side in ("a", "b")),
    "jitter_mult10",
    "packet_loss_perc_mult1000",
    "lost",
    "mos_min_mult10",
)
TAIL_COLUMNS = ("reason_sip_text", "reason_q850_text", "match_header", "pcap_sip", "pcap_full", "ringing_time")
SEED_COLUMNS = (*TIME_COLUMNS, *PARTY_COLUMNS, *RESULT_COLUMNS, *MEDIA_COLUMNS, *QUALITY_COLUMNS, *TAIL_COLUMNS)
IPS = [f"10.{10 + s % 40}.{s % 250}.{(s * 7) % 250 + 1}" for s in range(64)]


def seed_draws(rng, *, size, days, sensors):
    """Every random draw of a chunk, vectorised and always in this order (one seed, the same calls)."""
    d = SimpleNamespace()
    d.day = rng.integers(0, days, size=size)
    d.hour = rng.choice(24, size=size, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    d.second = rng.integers(0, 3600, size=size) + rng.random(size).round(3)
    d.answered = rng.random(size) > rng.uniform(0.2, 0.4)
    d.progress = np.round(rng.gamma(2.0, 1.2, size) + 0.2, 3)
    d.ring = np.round(rng.gamma(2.0, 3.0, size), 3)
    d.talk = np.round(rng.lognormal(4.0, 1.0, size), 3)
    d.fail = rng.choice(len(FAIL_CODES), size=size, p=FAIL_WEIGHTS / FAIL_WEIGHTS.sum())
    d.codec = rng.choice(CODECS, size=size, p=CODEC_WEIGHTS / CODEC_WEIGHTS.sum())
    lossy = rng.random((2, size)) < 0.08
    d.loss_perc = np.where(lossy, rng.exponential(1.5, (2, size)), rng.exponential(0.02, (2, size)))
    d.jitter = rng.gamma(1.5, 2.0, (2, size)) + np.where(lossy, rng.exponential(8, (2, size)), 0)
    d.callers, d.calleds = number_column(rng, size), number_column(rng, size)
    d.sensor = rng.choice(sensors, size=size)
    return d


def time_values(d, i, *, midnight, now):
    """(TIME_COLUMNS values, answered, connect seconds) of call i."""
    start = midnight - dt.timedelta(days=int(d.day[i])) + dt.timedelta(hours=int(d.hour[i]), seconds=float(d.second[i]))
    if start > now:  # today's calls only up to now
        start -= dt.timedelta(days=1)
    ok = bool(d.answered[i])
    connect = float(d.talk[i]) if ok else None
    progress = float(d.progress[i])
    duration = round(float(d.progress[i] + d.ring[i]) + (connect or 0.0), 3)
    first_rtp = float(d.progress[i] + 0.1) if ok else None
    values = (start, start + dt.timedelta(seconds=duration), duration, connect, progress, first_rtp)
    return (*values, 20 + i % 80, int(d.progress[i] * 1000)), ok, connect


def party_values(d, i, *, serial):
    caller_ip, called_ip = IPS[(i * 13) % 64], IPS[(i * 29 + 5) % 64]
    callid = f"seed-{serial + i:012d}@{caller_ip}"
    names = (d.callers[i], DOMAINS[i % 4], "", d.calleds[i], DOMAINS[(i + 1) % 4])
    return (int(d.sensor[i]), *names, caller_ip, called_ip, 5060, 5060, callid)


def result_values(d, i, ok):
    if ok:
        return 200, "200 OK", ("caller" if i % 2 else "callee"), 3
    code, text = FAIL_CODES[d.fail[i]]
    return code, text, "", 0


def media_values(d, i, ok, parties):
    if not ok:
        return (None, None, None, None, None, USER_AGENTS[i % 7], "", None, None)
    codec, caller_ip, called_ip = int(d.codec[i]), parties[6], parties[7]
    return (codec, codec, codec, caller_ip, called_ip, USER_AGENTS[i % 7], USER_AGENTS[(i + 3) % 7], 20, 20)


def side_quality(d, i, side, connect):
    """One side's SIDE_QUALITY values: loss and jitter drawn per side, MOS through the one definition."""
    received = int(connect * 50)
    perc = d.loss_perc[side, i]
    lost = int(received * perc / 100)
    jitter = d.jitter[side, i]
    f2 = seeded_mos_mult10(lost, received)
    f1 = max(10, f2 - (1 if jitter > 20 else 0))
    loss = (received, lost, int(perc * 1000), int(np.ceil(jitter * 10)), int(np.ceil(jitter * 2.5)))
    return (*loss, lost // 2, lost // 8, f1, f2, f2, f1, f2, f2)


def quality_values(d, i, ok, connect):
    if not ok:
        return (None,) * len(QUALITY_COLUMNS)
    a, b = side_quality(d, i, 0, connect), side_quality(d, i, 1, connect)
    per_side = tuple(value for pair in zip(a, b, strict=True) for value in pair)
    # jitter_mult10, packet_loss_perc_mult1000, lost, mos_min_mult10
    return (*per_side, max(a[3], b[3]), max(a[2], b[2]), max(a[1], b[1]), min(a[8], b[8]))


def tail_values(d, i):
    """No reason texts, match header or pcaps for seeded calls; the ringing time last."""
    return "", "", "", "", "", float(d.ring[i])


def seed_chunk(rng, *, size, days, sensors, now, serial):
    """`size` calls as a list of tuples in SEED_COLUMNS order, built one column group at a time."""
    d = seed_draws(rng, size=size, days=days, sensors=sensors)
    midnight = dt.datetime(now.year, now.month, now.day, tzinfo=dt.UTC)
    rows = []
    for i in range(size):
        times, ok, connect = time_values(d, i, midnight=midnight, now=now)
        parties = party_values(d, i, serial=serial)
        rows.append(
            (
                *times,
                *parties,
                *result_values(d, i, ok),
                *media_values(d, i, ok, parties),
                *quality_values(d, i, ok, connect),
                *tail_values(d, i),
            )
        )
    return rows
