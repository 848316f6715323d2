"""A varied, seeded set of calls for filter tests: every filtered column takes several values, so each
filter case keeps some calls and drops others. Expected results come from plain Python predicates."""

import datetime as dt
import random

UA = ["Yealink SIP-T46U", "Asterisk PBX 20", "Linphone/5.2", "FreeSWITCH-mod_sofia"]
DOMAINS = ["sip.example.net", "voice.example.com", "pbx.customer.example"]
FAIL = [(486, "486 Busy Here"), (487, "487 Request Terminated"), (503, "503 Service Unavailable"), (404, "404")]


def quality(rng, side):
    return {
        f"{side}received": rng.randrange(500, 5000),
        f"{side}lost": rng.randrange(0, 50),
        f"{side}mos_f1_mult10": rng.randrange(30, 46),
        f"{side}mos_f2_mult10": rng.randrange(30, 46),
        f"{side}mos_adapt_mult10": rng.randrange(30, 46),
        f"{side}avgjitter_mult10": rng.randrange(0, 300),
        f"{side}maxjitter": rng.randrange(0, 80),
        f"{side}rtcp_maxjitter": rng.randrange(0, 60),
        f"{side}rtcp_avgjitter_mult10": rng.randrange(0, 400),
        f"{side}rtcp_maxfr": rng.randrange(0, 60),
        f"{side}rtcp_avgfr_mult10": rng.randrange(0, 300),
        f"{side}packet_loss_perc_mult1000": rng.randrange(0, 5000),
        f"{side}delay_avg_mult100": rng.randrange(0, 9000),
        f"{side}delay_sum": rng.randrange(0, 900),
        **{f"{side}sl{n}": rng.choice([0, 0, 1, 2, 5]) for n in range(1, 11)},
        **{f"{side}d{n}": rng.choice([0, 0, 1, 3, 8]) for n in (50, 70, 90, 120, 150, 200, 300)},
    }


def make_corpus(make_call, tenant, other_tenant=None, *, count=48, seed=5):
    rng = random.Random(seed)
    calls = []
    for i in range(count):
        answered = i % 3 != 0
        duration = round(rng.uniform(2, 300), 3)
        code, text = (200, "200 OK") if answered else FAIL[i % len(FAIL)]
        fields = {
            "calldate": f"2024-03-{5 + i % 4:02d} {(i * 5) % 24:02d}:{(i * 7) % 60:02d}:00",
            "duration": duration,
            "connect_duration": round(duration - rng.uniform(0.5, 1.9), 3) if answered else None,
            "progress_time": round(rng.uniform(0.1, 4), 3),
            "ringing_time": round(rng.uniform(0.5, 20), 3) if i % 5 else None,
            "caller": rng.choice(["0044", "420", ""]) + str(rng.randrange(10**5, 10**6)),
            "called": rng.choice(["0049", "420", "1"]) + str(rng.randrange(10**5, 10**6)),
            "caller_domain": DOMAINS[i % 3],
            "called_domain": DOMAINS[(i + 1) % 3],
            "callername": rng.choice(["Alice", "Bob Smith", "", "Carol"]),
            "sipcallerip": f"192.0.2.{rng.randrange(1, 40)}",
            "sipcalledip": f"198.51.100.{rng.randrange(1, 40)}",
            "sipcallerport": rng.choice([5060, 5080]),
            "sipcalledport": rng.choice([5060, 5062]),
            "id_sensor": 1 + i % 2,
            "lastSIPresponseNum": code,
            "lastSIPresponse": text,
            "bye": rng.choice([1, 2, 3]) if answered else 0,
            "whohanged": rng.choice(["caller", "callee"]) if answered else "",
            "a_ua": UA[i % 4],
            "b_ua": UA[(i + 2) % 4],
            "custom_headers": {"X-Customer": str(40 + i % 4)} if i % 2 else {},
        }
        if answered:
            codec = rng.choice([0, 8, 18, 9])
            fields.update(payload=codec, a_payload=codec, b_payload=codec)
            fields.update(a_saddr=f"10.0.{i % 2}.{i + 1}", b_saddr=f"10.1.{i % 2}.{i + 1}")
            fields.update(quality(rng, "a_"))
            fields.update(quality(rng, "b_"))
        else:
            fields.update(payload=None, a_payload=None, b_payload=None, a_saddr=None, b_saddr=None)
        calls.append(make_call(tenant, **fields))
    if other_tenant is not None:
        make_call(other_tenant, caller="0044123456", called="420601000", calldate="2024-03-06 10:00:00")
    return calls


def utc(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def le(value, bound):
    return value is not None and value <= bound


def ge(value, bound):
    return value is not None and value >= bound


def lt(value, bound):
    return value is not None and value < bound
