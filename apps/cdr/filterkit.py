"""Building blocks of CdrFilterSet: wildcard and list filters, and the paired caller/callee filters.

A *paired* filter names one fact of the two sides of a call (caller / called number, the caller's /
the callee's RTP stream). Its two values and its mode switch are read together: without a mode each
value applies to its own side and all are ANDed; mode `or` (legacy `0`) tests the caller value
(or, when only the callee value is given, that one) on either side; mode `and` (legacy `1`) requires
both given values, each on its own side. shared/spec/cdr-model.md, "Legacy filter semantics".
"""

import ipaddress
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import and_

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.bounds import DATE_TIME_PATTERN, date_out_of_range, date_range_message, shown
from apps.core.scoping import value_match

from .models import Cdr

BIGINT = 2**63 - 1
INT = 2**31 - 1
MODE_CHOICES = [("or", _("either side (OR)")), ("and", _("both sides (AND)")), ("0", "OR"), ("1", "AND")]


def mode_of(value):
    return {"0": "or", "1": "and"}.get(value, value) or None


class WildcardFilter(django_filters.CharFilter):
    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(value_match(self.field_name, value))


def validate_bigints(values):
    for value in values if isinstance(values, (list, tuple)) else [values]:
        if value is not None and abs(value) > BIGINT:
            raise ValidationError(_("%(value)s is out of range.") % {"value": shown(value)})


def validate_date_range(value):
    """Dates are range-checked where they are parsed: year 1 overflows once a time zone is applied."""
    if value is not None and date_out_of_range(value):
        raise ValidationError(date_range_message(value))


validate_date_range.openapi_schema = {"pattern": DATE_TIME_PATTERN}  # the published form of the same range


class NumberListFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_bigints])
        super().__init__(*args, **kwargs)


def validate_networks(value):
    for part in str(value).split(","):
        try:
            ipaddress.ip_network(part.strip(), strict=False)
        except ValueError:
            raise ValidationError(_("%(value)s is not an IP address or network.") % {"value": part.strip()}) from None


_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"  # ASCII digits: a pattern's \d may match others
_IPV4 = rf"{_OCTET}(\.{_OCTET}){{3}}(/(3[0-2]|[12]?[0-9]))?"
_H = "[0-9a-fA-F]{1,4}"
_IPV6 = (
    rf"(({_H}:){{7}}{_H}|({_H}:){{1,7}}:|({_H}:){{1,6}}:{_H}|({_H}:){{1,5}}(:{_H}){{1,2}}|({_H}:){{1,4}}(:{_H}){{1,3}}"
    rf"|({_H}:){{1,3}}(:{_H}){{1,4}}|({_H}:){{1,2}}(:{_H}){{1,5}}|{_H}:(:{_H}){{1,6}}|:((:{_H}){{1,7}}|:))"
    r"(/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))?"
)
_NETWORK = rf"({_IPV4}|{_IPV6})"
# The OpenAPI schema's statement of what validate_networks accepts (addresses or networks, comma-separated).
validate_networks.openapi_schema = {"pattern": rf"^{_NETWORK}(,{_NETWORK})*$"}


def validate_response(value):
    for part in str(value).split(","):
        part = part.strip()
        if not (part.isdigit() and len(part) in (1, 3)):
            raise ValidationError(
                _("%(value)s is not a SIP response code (486) or class (4).") % {"value": part or "-"}
            )


validate_response.openapi_schema = {"pattern": r"^\d(\d\d)?(,\s*\d(\d\d)?)*$"}


def sip_response_q(field, value):
    """`486` is that code, a single digit `4` is its class (4xx); several are comma-separated."""
    q = Q()
    for part in str(value).split(","):
        part = part.strip()
        if len(part) == 1:
            q |= Q(**{f"{field}__gte": int(part) * 100, f"{field}__lt": int(part) * 100 + 100})
        else:
            q |= Q(**{field: int(part)})
    return q


def networks_q(field, value):
    return reduce(lambda a, b: a | b, (Q(**{f"{field}__in_cidr": p.strip()}) for p in str(value).split(",")))


def integer_bound(value, scale, lookup):
    """A decimal bound scaled onto an integer column without changing which rows match.

    `x >= 12.8` is `x >= 13` and `x <= 12.8` is `x <= 12`: round toward the side the comparison keeps.
    Clamped to the column's range so an absurd value matches all or nothing instead of failing.
    """
    scaled = Decimal(value) * Decimal(str(scale))
    bound = math.ceil(scaled) if lookup in ("gte", "lt") else math.floor(scaled)
    return max(-INT - 1, min(INT, bound))


@dataclass(frozen=True)
class Cond:
    """One comparison of a paired unit: REST filter names of both sides, lookup and unit scale."""

    a_name: str
    b_name: str
    lookup: str  # "match" (wildcards), "cidr", or a Django lookup on an integer column
    scale: float = 1


@dataclass(frozen=True)
class Unit:
    """One fact of both sides (a column pair) and the conditions the filters put on it."""

    mode: str
    a_field: str
    b_field: str
    conds: tuple

    def side_q(self, field, values):
        parts = []
        for cond, value in values:
            if cond.lookup == "match":
                parts.append(value_match(field, value, Cdr.prefix_head_fields))
            elif cond.lookup == "cidr":
                parts.append(networks_q(field, value))
            else:
                parts.append(Q(**{f"{field}__{cond.lookup}": integer_bound(value, cond.scale, cond.lookup)}))
        return reduce(and_, parts)

    def q(self, data, mode):
        a_values = [(c, data[c.a_name]) for c in self.conds if data.get(c.a_name) not in (None, "")]
        b_values = [(c, data[c.b_name]) for c in self.conds if data.get(c.b_name) not in (None, "")]
        if not a_values and not b_values:
            return None
        if mode == "or":
            return self.side_q(self.a_field, a_values or b_values) | self.side_q(self.b_field, b_values or a_values)
        parts = []
        if a_values:
            parts.append(self.side_q(self.a_field, a_values))
        if b_values:
            parts.append(self.side_q(self.b_field, b_values))
        return reduce(and_, parts)


def quality_units():
    """The RTP quality filters (cdr-model.md): REST names `a_<what>_<lookup>` and `b_...` for the callee."""
    units = []

    def unit(mode, column, *conds):
        units.append(
            Unit(mode, f"a_{column}", f"b_{column}", tuple(Cond(f"a_{n}", f"b_{n}", lk, sc) for n, lk, sc in conds))
        )

    for kind in ("f1", "adapt"):
        unit("mos_mode", f"mos_{kind}_mult10", (f"mos_{kind}_lte", "lte", 10))
    unit("mos_mode", "mos_f2_mult10", ("mos_f2_lte", "lte", 10), ("mos_min_gte", "gte", 10), ("mos_min_lt", "lt", 10))
    unit("rtcp_mode", "rtcp_maxjitter", ("rtcp_maxjitter_gte", "gte", 1))
    unit("rtcp_mode", "rtcp_avgjitter_mult10", ("rtcp_avgjitter_gte", "gte", 10))
    unit("rtcp_mode", "rtcp_maxfr", ("rtcp_maxfr_gte", "gte", 2.56))
    unit("rtcp_mode", "rtcp_avgfr_mult10", ("rtcp_avgfr_gte", "gte", 25.6))
    for n in range(1, 11):
        unit("loss_mode", f"sl{n}", (f"sl{n}_gte", "gte", 1))
    for n in (50, 70, 90, 120, 150, 200, 300):
        unit("delay_mode", f"d{n}", (f"d{n}_gte", "gte", 1))
    unit("jitter_mode", "maxjitter", ("jitter_max_gte", "gte", 1), ("jitter_max_lt", "lt", 1))
    unit("jitter_mode", "avgjitter_mult10", ("jitter_avg_gte", "gte", 10), ("jitter_avg_lt", "lt", 10))
    unit(
        "packet_loss_mode",
        "packet_loss_perc_mult1000",
        ("packet_loss_perc_gte", "gte", 1000),
        ("packet_loss_perc_lt", "lt", 1000),
    )
    unit("delay_avg_mode", "delay_avg_mult100", ("delay_avg_gte", "gte", 100), ("delay_avg_lt", "lt", 100))
    return tuple(units)


PARTY_UNITS = (
    Unit("number_mode", "caller", "called", (Cond("caller", "called", "match"),)),
    Unit("domain_mode", "caller_domain", "called_domain", (Cond("caller_domain", "called_domain", "match"),)),
    Unit("sip_ip_mode", "sipcallerip", "sipcalledip", (Cond("sipcallerip", "sipcalledip", "cidr"),)),
    Unit("rtp_ip_mode", "a_saddr", "b_saddr", (Cond("a_saddr", "b_saddr", "cidr"),)),
)
UNITS = PARTY_UNITS + quality_units()
MODES = tuple(dict.fromkeys(unit.mode for unit in UNITS))

UNIT_LABELS = (
    ("mos_min", _("MOS (f2) bound")),
    ("mos", _("MOS at most (e.g. 4.1)")),
    ("rtcp_maxfr", _("RTCP max fraction lost at least (%)")),
    ("rtcp_avgfr", _("RTCP average fraction lost at least (%)")),
    ("rtcp_", _("RTCP jitter at least (ms)")),
    ("sl", _("loss bursts of this length at least (count)")),
    ("delay_avg", _("average delay variation bound (ms)")),
    ("d", _("packets in this delay-variation bucket at least (count)")),
    ("jitter", _("jitter bound (ms)")),
    ("packet_loss", _("packet loss bound (%)")),
)


def unit_label(name):
    bare = name[2:]
    return next((label for prefix, label in UNIT_LABELS if bare.startswith(prefix)), "")


def paired_filters():
    """The declared filters of every paired unit (values only; CdrFilterSet combines them)."""
    filters = {}
    for unit in UNITS:
        for cond in unit.conds:
            for name in (cond.a_name, cond.b_name):
                if name in filters:
                    continue
                if cond.lookup == "match":
                    filters[name] = django_filters.CharFilter(method="filter_paired", label=_("% wildcards"))
                elif cond.lookup == "cidr":
                    filters[name] = django_filters.CharFilter(
                        method="filter_paired", validators=[validate_networks], label=_("address or CIDR network")
                    )
                else:
                    filters[name] = django_filters.NumberFilter(method="filter_paired", label=unit_label(name))
    for mode in MODES:
        filters[mode] = django_filters.ChoiceFilter(method="filter_paired", choices=MODE_CHOICES)
    return filters
