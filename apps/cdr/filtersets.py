"""The one definition of call search, shared by REST, the legacy API (api.php, sql.php) and reports.

Filter names here are the REST names; the legacy handlers rename their keys to these. Text filters
follow the GUI: exact match, or a wildcard match when the value holds `%` (`_` is a literal).
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import value_match

from .models import Cdr


class WildcardFilter(django_filters.CharFilter):
    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(value_match(self.field_name, value))


class NumberListFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    pass


class CdrFilterSet(django_filters.FilterSet):
    calldate_from = django_filters.IsoDateTimeFilter(
        field_name="calldate", lookup_expr="gte", label=_("calls starting at or after")
    )
    calldate_to = django_filters.IsoDateTimeFilter(
        field_name="calldate", lookup_expr="lte", label=_("calls starting at or before")
    )
    callend_to = django_filters.IsoDateTimeFilter(field_name="callend", lookup_expr="lte", label=_("calls ending by"))
    caller = WildcardFilter(label=_("caller number (% wildcards)"))
    called = WildcardFilter(label=_("called number (% wildcards)"))
    number = django_filters.CharFilter(method="filter_number", label=_("caller or called number (% wildcards)"))
    caller_domain = WildcardFilter()
    called_domain = WildcardFilter()
    callername = WildcardFilter()
    callid = django_filters.CharFilter(field_name="callid")
    id = NumberListFilter(field_name="id", label=_("call ids (comma-separated)"))
    id_sensor = NumberListFilter(field_name="id_sensor", label=_("sensor numbers (comma-separated)"))
    connected = django_filters.BooleanFilter(method="filter_connected", label=_("only answered calls"))
    last_sip_response = django_filters.NumberFilter(field_name="lastSIPresponseNum")
    duration_gt = django_filters.NumberFilter(field_name="duration", lookup_expr="gt")
    duration_lt = django_filters.NumberFilter(field_name="duration", lookup_expr="lt")
    codec = NumberListFilter(field_name="payload", label=_("codec codes (comma-separated)"))

    class Meta:
        model = Cdr
        fields = []

    def filter_number(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(value_match("caller", value) | value_match("called", value))

    def filter_connected(self, qs, name, value):
        if value is None:
            return qs
        answered = Q(connect_duration__isnull=False)
        return qs.filter(answered if value else ~answered)


def filter_errors_text(errors):
    """Flatten a FilterSet's errors into one sentence that names each bad filter."""
    parts = []
    for name, messages in errors.items():
        parts.append(f"{name}: {' '.join(str(m) for m in messages)}")
    return "; ".join(parts)
