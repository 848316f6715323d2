"""Which calls a rule counts: one Q per quality / response / destination kind (docs/alerts.md)."""

from functools import reduce
from operator import or_

from django.db.models import Q

ANSWERED = Q(connect_duration__isnull=False)
A_RTP = Q(a_received__gt=0)
B_RTP = Q(b_received__gt=0)
NO_A_RTP = Q(a_received__isnull=True) | Q(a_received=0)
NO_B_RTP = Q(b_received__isnull=True) | Q(b_received=0)


def response_q(codes):
    """`486` that code, `5xx` (or `5`) its class, `0` an INVITE never answered (no final response)."""
    parts = []
    for code in codes:
        text = str(code).strip().lower().removesuffix("xx")
        if text == "0":
            parts.append(Q(lastSIPresponseNum__isnull=True) | Q(lastSIPresponseNum__lt=100))
        elif len(text) == 1:
            base = int(text) * 100
            parts.append(Q(lastSIPresponseNum__gte=base, lastSIPresponseNum__lt=base + 100))
        else:
            parts.append(Q(lastSIPresponseNum=int(text)))
    return reduce(or_, parts)


def call_condition(kind, params):
    """The Q a call must meet to count for the rule (the rule's filters and window are applied apart)."""
    value = params.get("value")
    if kind == "mos":
        return Q(mos_min_mult10__isnull=False, mos_min_mult10__lt=value * 10)
    if kind == "loss":
        return Q(packet_loss_perc_mult1000__gt=value * 1000)
    if kind == "jitter":
        return Q(jitter_mult10__gt=value * 10)
    if kind == "delay":
        return Q(delay_avg_mult100__gt=value * 100)
    if kind == "pdd":
        return Q(progress_time__gt=value)
    if kind == "one_way":
        return ANSWERED & ((A_RTP & NO_B_RTP) | (B_RTP & NO_A_RTP))
    if kind == "missing_rtp":
        return ANSWERED & NO_A_RTP & NO_B_RTP
    if kind == "sip_response":
        return Q() if params.get("every") and not params.get("codes") else response_q(params["codes"])
    if kind == "destination":  # the prefixes here; the countries on the rows this leaves (destinations.py)
        allow = params.get("allow") or []
        return ~reduce(or_, (Q(called__startswith=prefix) for prefix in allow)) if allow else Q()
    raise ValueError(kind)
