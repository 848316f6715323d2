"""The one definition of call search, shared by REST, the legacy API (api.php, sql.php) and reports.

Filter names here are the REST names; the legacy handlers rename their keys to these (the table is
apps/legacy/params.py, the reference docs/legacy-api.md). Text filters follow the GUI: exact
match, or a wildcard match when the value holds `%` (`_` is a literal). Caller / callee pairs and
their mode switches are combined by `filterkit.Unit`; custom headers are `custom_header__<Name>`.
"""

import datetime as dt
import math

import django_filters
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.lookups import Like
from apps.core.scoping import value_match

from .filterkit import (
    UNITS,
    NumberListFilter,
    WildcardFilter,
    mode_of,
    paired_filters,
    sip_response_q,
    validate_date_range,
    validate_response,
)
from .models import Cdr

CUSTOM_HEADER_PREFIX = "custom_header__"
HEADER_NAME = RegexValidator(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")
MAX_DAYS, MAX_MINUTES = 36_500, 36_500 * 1440


class CdrFilterSetBase(django_filters.FilterSet):
    calldate_from = django_filters.IsoDateTimeFilter(
        field_name="calldate",
        lookup_expr="gte",
        label=gettext_lazy("calls starting at or after"),
        validators=[validate_date_range],
    )
    calldate_to = django_filters.IsoDateTimeFilter(
        field_name="calldate",
        lookup_expr="lte",
        label=gettext_lazy("calls starting at or before"),
        validators=[validate_date_range],
    )
    callend_to = django_filters.IsoDateTimeFilter(
        field_name="callend", lookup_expr="lte", label=gettext_lazy("calls ending by"), validators=[validate_date_range]
    )
    last_days = django_filters.NumberFilter(
        method="filter_last", min_value=0, max_value=MAX_DAYS, label=gettext_lazy("calls of the last N days")
    )
    last_minutes = django_filters.NumberFilter(
        method="filter_last", min_value=0, max_value=MAX_MINUTES, label=gettext_lazy("calls of the last N minutes")
    )
    number = django_filters.CharFilter(
        method="filter_number", label=gettext_lazy("caller or called number (% wildcards)")
    )
    callername = WildcardFilter(label=gettext_lazy("caller display name (% wildcards)"))
    a_ua = WildcardFilter(label=gettext_lazy("caller's user agent (% wildcards)"))
    b_ua = WildcardFilter(label=gettext_lazy("callee's user agent (% wildcards)"))
    sipcallerport = NumberListFilter(field_name="sipcallerport", label=gettext_lazy("caller's SIP port"))
    sipcalledport = NumberListFilter(field_name="sipcalledport", label=gettext_lazy("callee's SIP port"))
    callid = django_filters.CharFilter(field_name="callid", label=gettext_lazy("SIP Call-ID (exact)"))
    id = NumberListFilter(field_name="id", label=gettext_lazy("call ids (comma-separated)"))
    id_sensor = NumberListFilter(field_name="id_sensor", label=gettext_lazy("sensor numbers (comma-separated)"))
    connected = django_filters.BooleanFilter(method="filter_connected", label=gettext_lazy("only answered calls"))
    last_sip_response = django_filters.CharFilter(
        method="filter_response",
        validators=[validate_response],
        label=gettext_lazy("last SIP response: a code (486), a class (4), comma-separated"),
    )
    duration_gt = django_filters.NumberFilter(
        field_name="duration", lookup_expr="gt", label=gettext_lazy("duration longer than (s, exact stored value)")
    )
    duration_lt = django_filters.NumberFilter(field_name="duration", lookup_expr="lt")
    connect_duration_gt = django_filters.NumberFilter(field_name="connect_duration", lookup_expr="gt")
    connect_duration_lt = django_filters.NumberFilter(field_name="connect_duration", lookup_expr="lt")
    # the legacy filters: the duration as the rows show it, whole seconds rounded half up
    duration_whole_gt = django_filters.NumberFilter(
        method="filter_whole_seconds", label=gettext_lazy("duration in whole seconds (as shown) greater than")
    )
    duration_whole_lt = django_filters.NumberFilter(
        method="filter_whole_seconds", label=gettext_lazy("duration in whole seconds (as shown) less than")
    )
    connect_duration_whole_gt = django_filters.NumberFilter(
        method="filter_whole_seconds", label=gettext_lazy("answered time in whole seconds (as shown) greater than")
    )
    connect_duration_whole_lt = django_filters.NumberFilter(
        method="filter_whole_seconds", label=gettext_lazy("answered time in whole seconds (as shown) less than")
    )
    pdd_gt = django_filters.NumberFilter(
        field_name="progress_time", lookup_expr="gt", label=gettext_lazy("post-dial delay longer than (s)")
    )
    pdd_lt = django_filters.NumberFilter(field_name="progress_time", lookup_expr="lt")
    ringing_gt = django_filters.NumberFilter(
        field_name="ringing_time", lookup_expr="gt", label=gettext_lazy("ringing time longer than (s)")
    )
    ringing_lt = django_filters.NumberFilter(field_name="ringing_time", lookup_expr="lt")
    codec = NumberListFilter(field_name="payload", label=gettext_lazy("codec codes (comma-separated)"))
    exclude_codec = NumberListFilter(
        field_name="payload", exclude=True, label=gettext_lazy("codec codes to leave out (comma-separated)")
    )
    bye = NumberListFilter(field_name="bye", label=gettext_lazy("bye codes (comma-separated)"))
    whohanged = django_filters.ChoiceFilter(choices=[("caller", "caller"), ("callee", "callee")])

    class Meta:
        model = Cdr
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, actor=None):
        if data is not None and prefix is None:
            # There are over a hundred filters and django-filter deep-copies every one per request;
            # copy only those the request names. An absent filter cleans to None either way.
            used = set(data.keys())
            self.base_filters = {name: f for name, f in type(self).base_filters.items() if name in used}
        super().__init__(data=data, queryset=queryset, request=request, prefix=prefix)
        self.actor = actor

    def filter_paired(self, qs, name, value):
        return qs  # combined with its twin and mode in filter_queryset

    def filter_last(self, qs, name, value):
        if value is None:
            return qs
        unit = "days" if name == "last_days" else "minutes"
        return qs.filter(calldate__gte=timezone.now() - dt.timedelta(**{unit: float(value)}))

    def filter_number(self, qs, name, value):
        if not value:
            return qs
        heads = Cdr.prefix_head_fields
        return qs.filter(value_match("caller", value, heads) | value_match("called", value, heads))

    def filter_connected(self, qs, name, value):
        if value is None:
            return qs
        answered = Q(connect_duration__isnull=False)
        return qs.filter(answered if value else ~answered)

    def filter_whole_seconds(self, qs, name, value):
        """Compare the whole seconds a row shows (x rounded half up, apps.legacy.rows.whole_seconds):
        round(x) > v holds exactly when x >= floor(v) + 0.5, round(x) < v when x < ceil(v) - 0.5."""
        if value is None:
            return qs
        field, op = name.split("_whole_")
        if op == "gt":
            return qs.filter(**{f"{field}__gte": float(math.floor(value)) + 0.5})
        return qs.filter(**{f"{field}__lt": float(math.ceil(value)) - 0.5})

    def filter_response(self, qs, name, value):
        return qs.filter(sip_response_q("lastSIPresponseNum", value)) if value else qs

    def custom_headers(self):
        """`custom_header__<Name>=value` pairs of the request (names are dynamic, so not declared)."""
        data = self.data or {}
        return {
            key[len(CUSTOM_HEADER_PREFIX) :]: data.get(key)
            for key in data
            if key.startswith(CUSTOM_HEADER_PREFIX) and data.get(key) not in (None, "")
        }

    def is_valid(self):
        valid = super().is_valid()
        allowed = getattr(self.actor, "custom_headers", None)
        for name in self.custom_headers():
            try:
                HEADER_NAME(name)
            except ValidationError:
                self.form.add_error(None, _("%(name)s is not a header name.") % {"name": name})
                valid = False
                continue
            if allowed is not None and name not in allowed:
                self.form.add_error(None, _("Custom header %(name)s is not visible to you.") % {"name": name})
                valid = False
        return valid

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        for unit in UNITS:
            q = unit.q(data, mode_of(data.get(unit.mode)))
            if q is not None:
                queryset = queryset.filter(q)
        for name, value in self.custom_headers().items():
            lhs = KeyTextTransform(name, "custom_headers")
            queryset = queryset.filter(Like(lhs, str(value)) if "%" in str(value) else Exact(lhs, str(value)))
        return queryset


CdrFilterSet = type("CdrFilterSet", (CdrFilterSetBase,), {"__module__": __name__, **paired_filters()})
CdrFilterSet.__doc__ = "Call search: every filter of the legacy API under its REST name (docs/legacy-api.md)."


def filter_errors_text(errors, labels=None):
    """Flatten a FilterSet's errors into one sentence that names each bad filter (by its legacy name)."""
    labels = labels or {}
    parts = []
    for name, messages in errors.items():
        text = " ".join(str(m) for m in messages)
        parts.append(text if name == "__all__" else f"{labels.get(name, name)}: {text}")
    return "; ".join(parts)
