"""Expected firing recomputed in plain Python over the call rows, independently of apps/alerts."""

import datetime as dt

from apps.cdr.models import Cdr

UTC = dt.UTC


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def rows(tenant):
    return list(Cdr.objects.filter(tenant=tenant).values())


def bad(kind, params, r):
    """Does this call row meet the kind's condition (docs/alerts.md, re-read by hand)?"""
    value = params.get("value")
    answered = r["connect_duration"] is not None
    a, b = r["a_received"] or 0, r["b_received"] or 0
    code = r["lastSIPresponseNum"]
    if kind == "mos":
        return r["mos_min_mult10"] is not None and r["mos_min_mult10"] / 10 < value
    if kind == "loss":
        return (r["packet_loss_perc_mult1000"] or 0) / 1000 > value
    if kind == "jitter":
        return (r["jitter_mult10"] or 0) / 10 > value
    if kind == "delay":
        return (r["delay_avg_mult100"] or 0) / 100 > value
    if kind == "pdd":
        return r["progress_time"] is not None and r["progress_time"] > value
    if kind == "one_way":
        return answered and ((a > 0) != (b > 0))
    if kind == "missing_rtp":
        return answered and a == 0 and b == 0
    if kind == "sip_response":
        wanted = params.get("codes", [])
        if not wanted:
            return True
        for c in wanted:
            c = c.lower()
            if c == "0" and (code is None or code < 100):
                return True
            if c.endswith("xx") and code is not None and code // 100 == int(c[0]):
                return True
            if c.isdigit() and len(c) == 3 and code == int(c):
                return True
        return False
    if kind == "destination":
        if any(r["called"].startswith(p) for p in params.get("allow", [])):
            return False
        countries = params.get("countries")
        return not countries or COUNTRY_OF[r["called"]] not in countries
    raise ValueError(kind)


# Numbers and the country they dial, from the ITU-T E.164 assignments and the national numbering plans
# (NANP area codes, the UK's Crown dependencies, Kazakhstan's +7 6/7, the Vatican's +39 06 698, Aland's
# +358 18), written by hand: the oracle for `countries`, independent of the library the rule code uses.
COUNTRY_OF = {
    "420602000002": "CZ", "+420 234 567 890": "CZ", "00421212345678": "SK", "4930901820": "DE",
    "33142685300": "FR", "12125550123": "US", "14169795000": "CA", "16045550123": "CA", "18768765432": "JM",
    "17877221234": "PR", "14412921234": "BM", "77272501234": "KZ", "74951234567": "RU", "442079460000": "GB",
    "441481717000": "GG", "441534716000": "JE", "441624696300": "IM", "390669812345": "VA",
    "390646741": "IT", "358181234567": "AX", "358912345678": "FI", "61292507111": "AU",
    "882100000": None, "8816123456789": None, "+80012345678": None, "112": None, "": None,
}  # fmt: skip


def ended_in(r, start, end):
    return start <= r["callend"] < end


def active_at(r, instant):
    return r["calldate"] <= instant < r["callend"]


def peak_by_sampling(calls, start, end):
    """The most calls in progress at any call's start (or the window's start) inside [start, end)."""
    instants = [start] + [r["calldate"] for r in calls if start <= r["calldate"] < end]
    return max((sum(active_at(r, t) for r in calls) for t in instants), default=0)


def mean_concurrency_by_seconds(calls, start, end):
    seconds = int((end - start).total_seconds())
    busy = 0
    for s in range(seconds):
        t = start + dt.timedelta(seconds=s, milliseconds=500)
        busy += sum(active_at(r, t) for r in calls)
    return busy / seconds
