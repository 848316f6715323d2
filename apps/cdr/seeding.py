"""Realistic synthetic calls for demos, load tests and benchmarks. No Django import.

Traffic follows a day-shaped curve, numbers look like real ones (national, with country code,
international `00...`, extensions), 20-40 % of calls go unanswered, and quality figures are spread
like real traffic: most calls clean, a tail with loss and jitter. Columns are generated in numpy
chunks so a million rows take seconds, not minutes.
"""

import datetime as dt

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


SEED_COLUMNS = (
    "calldate",
    "callend",
    "duration",
    "connect_duration",
    "progress_time",
    "first_rtp_time",
    "response_time_100",
    "response_time_xxx",
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
    "lastSIPresponseNum",
    "lastSIPresponse",
    "whohanged",
    "bye",
    "payload",
    "a_payload",
    "b_payload",
    "a_saddr",
    "b_saddr",
    "a_ua",
    "b_ua",
    "a_rtp_ptime",
    "b_rtp_ptime",
    "a_received",
    "b_received",
    "a_lost",
    "b_lost",
    "a_packet_loss_perc_mult1000",
    "b_packet_loss_perc_mult1000",
    "a_avgjitter_mult10",
    "b_avgjitter_mult10",
    "a_maxjitter",
    "b_maxjitter",
    "a_sl1",
    "b_sl1",
    "a_sl2",
    "b_sl2",
    "a_mos_f1_mult10",
    "b_mos_f1_mult10",
    "a_mos_f2_mult10",
    "b_mos_f2_mult10",
    "a_mos_adapt_mult10",
    "b_mos_adapt_mult10",
    "a_mos_f1_min_mult10",
    "b_mos_f1_min_mult10",
    "a_mos_f2_min_mult10",
    "b_mos_f2_min_mult10",
    "a_mos_adapt_min_mult10",
    "b_mos_adapt_min_mult10",
    "jitter_mult10",
    "packet_loss_perc_mult1000",
    "lost",
    "mos_min_mult10",
    "reason_sip_text",
    "reason_q850_text",
    "match_header",
    "pcap_sip",
    "pcap_full",
    "ringing_time",
)


def seed_chunk(rng, *, size, days, sensors, now, serial):
    """`size` calls as a list of tuples in SEED_COLUMNS order."""
    day = rng.integers(0, days, size=size)
    hour = rng.choice(24, size=size, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    second = rng.integers(0, 3600, size=size) + rng.random(size).round(3)
    midnight = dt.datetime(now.year, now.month, now.day, tzinfo=dt.UTC)
    answered = rng.random(size) > rng.uniform(0.2, 0.4)
    progress = np.round(rng.gamma(2.0, 1.2, size) + 0.2, 3)
    ring = np.round(rng.gamma(2.0, 3.0, size), 3)
    talk = np.round(rng.lognormal(4.0, 1.0, size), 3)
    fail = rng.choice(len(FAIL_CODES), size=size, p=FAIL_WEIGHTS / FAIL_WEIGHTS.sum())
    codec = rng.choice(CODECS, size=size, p=CODEC_WEIGHTS / CODEC_WEIGHTS.sum())
    lossy = rng.random((2, size)) < 0.08
    loss_perc = np.where(lossy, rng.exponential(1.5, (2, size)), rng.exponential(0.02, (2, size)))
    jitter = rng.gamma(1.5, 2.0, (2, size)) + np.where(lossy, rng.exponential(8, (2, size)), 0)
    callers, calleds = number_column(rng, size), number_column(rng, size)
    sensor_pick = rng.choice(sensors, size=size)
    ips = [f"10.{10 + s % 40}.{s % 250}.{(s * 7) % 250 + 1}" for s in range(64)]
    rows = []
    for i in range(size):
        start = midnight - dt.timedelta(days=int(day[i])) + dt.timedelta(hours=int(hour[i]), seconds=float(second[i]))
        if start > now:  # today's calls only up to now
            start -= dt.timedelta(days=1)
        ok = bool(answered[i])
        connect = float(talk[i]) if ok else None
        duration = round(float(progress[i] + ring[i]) + (connect or 0.0), 3)
        caller_ip, called_ip = ips[(i * 13) % 64], ips[(i * 29 + 5) % 64]
        if ok:
            code, text, bye, who = 200, "200 OK", 3, ("caller" if i % 2 else "callee")
            received = [int(connect * 50), int(connect * 50)]
            perc = loss_perc[:, i]
            lost = [int(received[0] * perc[0] / 100), int(received[1] * perc[1] / 100)]
            f2 = [seeded_mos_mult10(lost[s], received[s]) for s in (0, 1)]
            f1 = [max(10, v - (1 if jitter[s, i] > 20 else 0)) for s, v in enumerate(f2)]
            side = [
                (
                    received[s],
                    lost[s],
                    int(perc[s] * 1000),
                    int(np.ceil(jitter[s, i] * 10)),
                    int(np.ceil(jitter[s, i] * 2.5)),
                    lost[s] // 2,
                    lost[s] // 8,
                    f1[s],
                    f2[s],
                )
                for s in (0, 1)
            ]
            cod, a_addr, b_addr = int(codec[i]), caller_ip, called_ip
        else:
            code, text = FAIL_CODES[fail[i]]
            bye, who, cod, a_addr, b_addr = 0, "", None, None, None
            side = [(None,) * 9, (None,) * 9]
        (
            (ar, al, ap, aj, am, as1, as2, af1, af2),
            (br, bl, bp, bj, bm, bs1, bs2, bf1, bf2),
        ) = side
        rows.append(
            (
                start,
                start + dt.timedelta(seconds=duration),
                duration,
                connect,
                float(progress[i]),
                float(progress[i] + 0.1) if ok else None,
                20 + i % 80,
                int(progress[i] * 1000),
                int(sensor_pick[i]),
                callers[i],
                DOMAINS[i % 4],
                "",
                calleds[i],
                DOMAINS[(i + 1) % 4],
                caller_ip,
                called_ip,
                5060,
                5060,
                f"seed-{serial + i:012d}@{caller_ip}",
                code,
                text,
                who,
                bye,
                cod,
                cod,
                cod,
                a_addr,
                b_addr,
                USER_AGENTS[i % 7],
                USER_AGENTS[(i + 3) % 7] if ok else "",
                20 if ok else None,
                20 if ok else None,
                ar,
                br,
                al,
                bl,
                ap,
                bp,
                aj,
                bj,
                am,
                bm,
                as1,
                bs1,
                as2,
                bs2,
                af1,
                bf1,
                af2,
                bf2,
                af2,
                bf2,
                af1,
                bf1,
                af2,
                bf2,
                af2,
                bf2,
                max(aj, bj) if ok else None,
                max(ap, bp) if ok else None,
                max(al, bl) if ok else None,
                min(af2, bf2) if ok else None,
                "",
                "",
                "",
                "",
                "",
                float(ring[i]),
            )
        )
    return rows
