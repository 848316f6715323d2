"""The call browser's search as a page: every filter of the one FilterSet laid out in groups, the
columns a user can choose, the sort keys, and the URL that holds the whole search.

No query here (selectors.py runs the search). The groups are checked against `CdrFilterSet` by the
tests: a filter added to the FilterSet and forgotten here fails them, so the page never lags the API.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.cdr.filterkit import UNITS
from apps.cdr.filtersets import CUSTOM_HEADER_PREFIX, CdrFilterSet
from apps.cdr.models import BYE_CHOICES
from apps.core.codecs import codec_name

FILTERS = CdrFilterSet.base_filters
PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_SIZE = 50
DEFAULT_SORT = "-calldate"
RESERVED = ("sort", "page", "size", "cols")  # the page's own parameters; no filter has these names

# Labels of the page (the FilterSet's own are phrased for the API's schema).
LABELS = {
    "calldate_from": gettext_lazy("Started at or after"),
    "calldate_to": gettext_lazy("Started at or before"),
    "callend_to": gettext_lazy("Ended by"),
    "last_days": gettext_lazy("Last N days"),
    "last_minutes": gettext_lazy("Last N minutes"),
    "duration_gt": gettext_lazy("Duration longer than (s)"),
    "duration_lt": gettext_lazy("Duration shorter than (s)"),
    "connect_duration_gt": gettext_lazy("Answered time longer than (s)"),
    "connect_duration_lt": gettext_lazy("Answered time shorter than (s)"),
    "duration_whole_gt": gettext_lazy("Duration in whole seconds above"),
    "duration_whole_lt": gettext_lazy("Duration in whole seconds below"),
    "connect_duration_whole_gt": gettext_lazy("Answered whole seconds above"),
    "connect_duration_whole_lt": gettext_lazy("Answered whole seconds below"),
    "pdd_gt": gettext_lazy("Post-dial delay longer than (s)"),
    "pdd_lt": gettext_lazy("Post-dial delay shorter than (s)"),
    "ringing_gt": gettext_lazy("Ringing longer than (s)"),
    "ringing_lt": gettext_lazy("Ringing shorter than (s)"),
    "number": gettext_lazy("Number on either side (% wildcards)"),
    "caller": gettext_lazy("Caller number (% wildcards)"),
    "called": gettext_lazy("Called number (% wildcards)"),
    "number_mode": gettext_lazy("Caller and called numbers"),
    "callername": gettext_lazy("Caller display name (% wildcards)"),
    "caller_domain": gettext_lazy("Caller domain (% wildcards)"),
    "called_domain": gettext_lazy("Called domain (% wildcards)"),
    "domain_mode": gettext_lazy("Caller and called domains"),
    "a_ua": gettext_lazy("Caller's user agent (% wildcards)"),
    "b_ua": gettext_lazy("Callee's user agent (% wildcards)"),
    "sipcallerip": gettext_lazy("Caller's SIP address or network"),
    "sipcalledip": gettext_lazy("Callee's SIP address or network"),
    "sip_ip_mode": gettext_lazy("Caller and callee SIP addresses"),
    "sipcallerport": gettext_lazy("Caller's SIP ports (comma-separated)"),
    "sipcalledport": gettext_lazy("Callee's SIP ports (comma-separated)"),
    "a_saddr": gettext_lazy("Caller's RTP address or network"),
    "b_saddr": gettext_lazy("Callee's RTP address or network"),
    "rtp_ip_mode": gettext_lazy("Caller and callee RTP addresses"),
    "id_sensor": gettext_lazy("Sensors (comma-separated numbers)"),
    "callid": gettext_lazy("SIP Call-ID (exact)"),
    "id": gettext_lazy("Call ids (comma-separated)"),
    "connected": gettext_lazy("Answered"),
    "last_sip_response": gettext_lazy("Last SIP response (486, or a class: 4; comma-separated)"),
    "bye": gettext_lazy("End reason codes (comma-separated)"),
    "whohanged": gettext_lazy("Hung up by"),
    "codec": gettext_lazy("Codec codes (comma-separated)"),
    "exclude_codec": gettext_lazy("Codec codes to leave out"),
}
MODE_LABELS = {
    "mos_mode": gettext_lazy("MOS: caller and callee"),
    "rtcp_mode": gettext_lazy("RTCP: caller and callee"),
    "loss_mode": gettext_lazy("Loss bursts: caller and callee"),
    "delay_mode": gettext_lazy("Delay buckets: caller and callee"),
    "jitter_mode": gettext_lazy("Jitter: caller and callee"),
    "packet_loss_mode": gettext_lazy("Packet loss: caller and callee"),
    "delay_avg_mode": gettext_lazy("Delay variation: caller and callee"),
}
MODE_OPTIONS = (
    ("", gettext_lazy("each side its own value")),
    ("or", gettext_lazy("either side")),
    ("and", gettext_lazy("both sides")),
)
MEASURES = {
    "mos_f1_lte": gettext_lazy("MOS f1 at most"),
    "mos_adapt_lte": gettext_lazy("MOS adaptive at most"),
    "mos_f2_lte": gettext_lazy("MOS f2 at most"),
    "mos_min_gte": gettext_lazy("Lowest MOS f2 at least"),
    "mos_min_lt": gettext_lazy("Lowest MOS f2 below"),
    "rtcp_maxjitter_gte": gettext_lazy("RTCP max jitter at least (ms)"),
    "rtcp_avgjitter_gte": gettext_lazy("RTCP average jitter at least (ms)"),
    "rtcp_maxfr_gte": gettext_lazy("RTCP max fraction lost at least (%)"),
    "rtcp_avgfr_gte": gettext_lazy("RTCP average fraction lost at least (%)"),
    "jitter_max_gte": gettext_lazy("Max jitter at least (ms)"),
    "jitter_max_lt": gettext_lazy("Max jitter below (ms)"),
    "jitter_avg_gte": gettext_lazy("Average jitter at least (ms)"),
    "jitter_avg_lt": gettext_lazy("Average jitter below (ms)"),
    "packet_loss_perc_gte": gettext_lazy("Packet loss at least (%)"),
    "packet_loss_perc_lt": gettext_lazy("Packet loss below (%)"),
    "delay_avg_gte": gettext_lazy("Average delay variation at least (ms)"),
    "delay_avg_lt": gettext_lazy("Average delay variation below (ms)"),
}

GROUPS = (
    (
        "time",
        gettext_lazy("Time"),
        (
            "calldate_from", "calldate_to", "callend_to", "last_days", "last_minutes", "duration_gt", "duration_lt",
            "duration_whole_gt", "duration_whole_lt", "connect_duration_gt", "connect_duration_lt",
            "connect_duration_whole_gt", "connect_duration_whole_lt", "pdd_gt", "pdd_lt", "ringing_gt", "ringing_lt",
        ),
    ),
    (
        "parties",
        gettext_lazy("Parties"),
        (
            "number", "caller", "called", "number_mode", "callername", "caller_domain", "called_domain",
            "domain_mode", "a_ua", "b_ua",
        ),
    ),
    (
        "addresses",
        gettext_lazy("Addresses"),
        (
            "sipcallerip", "sipcalledip", "sip_ip_mode", "sipcallerport", "sipcalledport", "a_saddr", "b_saddr",
            "rtp_ip_mode", "id_sensor",
        ),
    ),
    (
        "sip", gettext_lazy("SIP"),
        ("connected", "last_sip_response", "whohanged", "bye", "callid", "id", "codec", "exclude_codec"),
    ),
)  # fmt: skip
QUALITY_MODES = tuple(MODE_LABELS)


def measure_label(bare):
    if bare.startswith("sl"):
        return _("Loss bursts of %(n)s packets, at least (count)") % {"n": bare[2:].split("_")[0]}
    if bare.startswith("d") and bare[1].isdigit():
        return _("Packets in the %(n)s ms delay bucket, at least") % {"n": bare[1:].split("_")[0]}
    return str(MEASURES[bare])


def quality_sections():
    """Per mode switch: (mode name, [(measure label, caller filter, callee filter), ...])."""
    sections = {}
    for unit in UNITS:
        if unit.mode not in QUALITY_MODES:
            continue
        for cond in unit.conds:
            sections.setdefault(unit.mode, []).append((cond.a_name[2:], cond.a_name, cond.b_name))
    return [(mode, sections[mode]) for mode in QUALITY_MODES]


def grouped_names():
    """Every filter name the page shows, group by group (the tests compare it to the FilterSet)."""
    names = [name for _key, _label, group in GROUPS for name in group]
    for mode, rows in quality_sections():
        names.append(mode)
        for _bare, a_name, b_name in rows:
            names += [a_name, b_name]
    return names


def field_kind(name):
    filter_ = FILTERS[name]
    kind = type(filter_).__name__
    if name in ("connected", "whohanged") or name.endswith("_mode"):
        return "select"
    if kind == "IsoDateTimeFilter":
        return "datetime"
    if kind == "NumberFilter":
        return "number"
    return "text"


def field_choices(name):
    if name == "connected":
        return (("", _("any")), ("true", _("answered")), ("false", _("not answered")))
    if name == "whohanged":
        return (("", _("anyone")), ("caller", _("caller")), ("callee", _("callee")))
    return tuple((value, str(label)) for value, label in MODE_OPTIONS)


@dataclass
class Field:
    name: str
    label: str
    kind: str
    value: str = ""
    errors: list = field(default_factory=list)
    choices: tuple = ()
    hidden_label: bool = False

    def html(self):
        """The labelled field as HTML. Built here, not with an {% include %} per field: the page has some
        130 fields, and including a template for each took most of the page's server time."""
        ident = f"f-{self.name}"
        invalid = format_html(' aria-invalid="true" aria-describedby="e-{}"', self.name) if self.errors else ""
        label = format_html(
            '<label for="{}"{}>{}</label>',
            ident,
            mark_safe(' class="visually-hidden"') if self.hidden_label else "",
            self.label,
        )
        if self.kind == "select":
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((v, mark_safe(" selected") if v == self.value else "", t) for v, t in self.choices),
            )
            control = format_html('<select id="{}" name="{}"{}>{}</select>', ident, self.name, invalid, options)
        else:
            kind = mark_safe('type="number" step="any"' if self.kind == "number" else 'type="text"')
            hint = format_html(' placeholder="{}"', _("YYYY-MM-DD HH:MM")) if self.kind == "datetime" else ""
            control = format_html(
                '<input id="{}" name="{}" value="{}" {}{}{}>', ident, self.name, self.value, kind, hint, invalid
            )
        error = (
            format_html('<p class="field-error" id="e-{}">{}</p>', self.name, " ".join(self.errors))
            if self.errors
            else ""
        )
        return format_html(
            '<div class="field{}">{}{}{}</div>', " invalid" if self.errors else "", label, control, error
        )


def make_field(name, label, values, errors, hidden=False):
    kind = field_kind(name) if name in FILTERS else "text"
    return Field(
        hidden_label=hidden,
        name=name,
        label=str(label),
        kind=kind,
        value=values.get(name, ""),
        errors=[str(e) for e in errors.get(name, [])],
        choices=field_choices(name) if kind == "select" else (),
    )


def form_groups(values, errors, header_names):
    """The form, ready for the template: groups of fields, the quality table, the custom headers."""
    groups = []
    for key, label, names in GROUPS:
        labels = {n: LABELS.get(n) or MODE_LABELS.get(n) or n for n in names}
        groups.append(
            {"key": key, "label": str(label), "fields": [make_field(n, labels[n], values, errors) for n in names]}
        )
    quality = []
    for mode, rows in quality_sections():
        quality.append(
            {
                "mode": make_field(mode, MODE_LABELS[mode], values, errors),
                "rows": [
                    {
                        "label": measure_label(bare),
                        "a": make_field(a, f"{measure_label(bare)} — {_('caller')}", values, errors, hidden=True),
                        "b": make_field(b, f"{measure_label(bare)} — {_('callee')}", values, errors, hidden=True),
                    }
                    for bare, a, b in rows
                ],
            }
        )
    groups.append({"key": "quality", "label": _("Quality"), "quality": quality})
    headers = [
        make_field(CUSTOM_HEADER_PREFIX + name, _("Header %(name)s (%% wildcards)") % {"name": name}, values, errors)
        for name in header_names
    ]
    groups.append({"key": "headers", "label": _("Custom headers"), "fields": headers})
    for group in groups:
        fields = group.get("fields") or [
            f
            for section in group.get("quality", [])
            for f in [section["mode"], *(x for r in section["rows"] for x in (r["a"], r["b"]))]
        ]
        group["used"] = sum(1 for f in fields if f.value)
        group["invalid"] = any(f.errors for f in fields)
    return groups


# ---- columns ------------------------------------------------------------------------------------


def _num(scale, digits):
    return lambda v: "" if v is None else f"{v / scale:.{digits}f}"


def _whole(v):
    return "" if v is None else str(int(v + 0.5))


def _bye(v):
    return "" if v is None else str(dict(BYE_CHOICES).get(v, v))


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    fields: tuple
    sort: str | None = None
    fmt: object = None

    def cell(self, row, header_names=None):
        if self.key == "result":
            code, text = row["lastSIPresponseNum"], row["lastSIPresponse"]
            return text or ("" if code is None else str(code))
        if self.key == "headers":
            headers = row["custom_headers"] or {}
            shown = [k for k in headers if header_names is None or k in header_names]
            return "; ".join(f"{k}: {headers[k]}" for k in sorted(shown))
        value = row[self.fields[0]]
        if self.fmt:
            return self.fmt(value)
        return "" if value is None else str(value)


COLUMNS = (
    Column("calldate", gettext_lazy("Start"), ("calldate",), "calldate"),
    Column("callend", gettext_lazy("End"), ("callend",), "callend"),
    Column("caller", gettext_lazy("Caller"), ("caller",), "caller"),
    Column("callername", gettext_lazy("Caller name"), ("callername",), "callername"),
    Column("called", gettext_lazy("Called"), ("called",), "called"),
    Column("caller_domain", gettext_lazy("Caller domain"), ("caller_domain",), "caller_domain"),
    Column("called_domain", gettext_lazy("Called domain"), ("called_domain",), "called_domain"),
    Column("duration", gettext_lazy("Duration (s)"), ("duration",), "duration", _whole),
    Column("connect_duration", gettext_lazy("Answered (s)"), ("connect_duration",), "connect_duration", _whole),
    Column("pdd", gettext_lazy("Post-dial delay (s)"), ("progress_time",), "progress_time", _num(1, 2)),
    Column("result", gettext_lazy("Last response"), ("lastSIPresponseNum", "lastSIPresponse"), "lastSIPresponseNum"),
    Column("whohanged", gettext_lazy("Hung up by"), ("whohanged",), "whohanged"),
    Column("bye", gettext_lazy("End reason"), ("bye",), "bye", _bye),
    Column("sensor", gettext_lazy("Sensor"), ("id_sensor",), "id_sensor"),
    Column("codec", gettext_lazy("Codec"), ("payload",), "payload", codec_name),
    Column("mos", gettext_lazy("Lowest MOS"), ("mos_min_mult10",), "mos_min_mult10", _num(10, 1)),
    Column("mos_a", gettext_lazy("MOS caller (f1)"), ("a_mos_f1_mult10",), "a_mos_f1_mult10", _num(10, 1)),
    Column("mos_b", gettext_lazy("MOS callee (f1)"), ("b_mos_f1_mult10",), "b_mos_f1_mult10", _num(10, 1)),
    Column(
        "loss",
        gettext_lazy("Packet loss (%)"),
        ("packet_loss_perc_mult1000",),
        "packet_loss_perc_mult1000",
        _num(1000, 2),
    ),
    Column("jitter", gettext_lazy("Jitter (ms)"), ("jitter_mult10",), "jitter_mult10", _num(10, 1)),
    Column("sipcallerip", gettext_lazy("Caller SIP address"), ("sipcallerip",), "sipcallerip"),
    Column("sipcalledip", gettext_lazy("Callee SIP address"), ("sipcalledip",), "sipcalledip"),
    Column("a_ua", gettext_lazy("Caller's user agent"), ("a_ua",), "a_ua"),
    Column("b_ua", gettext_lazy("Callee's user agent"), ("b_ua",), "b_ua"),
    Column("callid", gettext_lazy("Call-ID"), ("callid",), "callid"),
    Column("id", gettext_lazy("Id"), ("id",), "id"),
    Column("headers", gettext_lazy("Custom headers"), ("custom_headers",)),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
DEFAULT_COLUMNS = ("calldate", "caller", "called", "duration", "result", "sensor", "codec", "mos", "loss")
SORTS = {c.key: c.sort for c in COLUMNS if c.sort}


# ---- the URL ------------------------------------------------------------------------------------


@dataclass
class Search:
    """One search as the URL states it: the filters (non-empty values only) and the page's options."""

    filters: dict
    sort: str = DEFAULT_SORT
    page: int = 1
    size: int = DEFAULT_SIZE
    columns: tuple = DEFAULT_COLUMNS
    errors: dict = field(default_factory=dict)

    @property
    def order_by(self):
        key = self.sort.lstrip("-")
        sign = "-" if self.sort.startswith("-") else ""
        return (f"{sign}{SORTS[key]}", f"{sign}id")

    def query(self, **changes):
        """The canonical query string: filters in the FilterSet's order, then what differs from the defaults."""
        state = {"sort": self.sort, "page": self.page, "size": self.size, "columns": self.columns, **changes}
        pairs = list(self.filters.items())
        if state["sort"] != DEFAULT_SORT:
            pairs.append(("sort", state["sort"]))
        if state["size"] != DEFAULT_SIZE:
            pairs.append(("size", state["size"]))
        if tuple(state["columns"]) != DEFAULT_COLUMNS:
            pairs.append(("cols", ",".join(state["columns"])))
        if state["page"] != 1:
            pairs.append(("page", state["page"]))
        return urlencode(pairs)

    def sort_query(self, key):
        """The query that sorts by `key`: descending first for times and numbers, then flips."""
        current = self.sort.lstrip("-")
        if current == key:
            return self.query(sort=key if self.sort.startswith("-") else f"-{key}", page=1)
        return self.query(sort=f"-{key}", page=1)


def _positive(text, name, errors, default, allowed=None):
    if text in (None, ""):
        return default
    if not str(text).isdigit() or len(str(text)) > 9 or int(text) < 1 or (allowed and int(text) not in allowed):
        errors[name] = [_("%(value)s is not a valid choice here.") % {"value": str(text)[:20]}]
        return default
    return int(text)


def search_parse(params, *, header_names):
    """A Search from a QueryDict; errors name the parameter that was refused (the page shows them)."""
    errors = {}
    filters = {}
    for name in FILTERS:
        value = params.get(name, "")
        if value not in (None, ""):
            filters[name] = value
    for name in header_names:
        value = params.get(CUSTOM_HEADER_PREFIX + name, "")
        if value:
            filters[CUSTOM_HEADER_PREFIX + name] = value
    for key in params:  # a header the user may not see (or that is not configured) is refused by the FilterSet
        if key.startswith(CUSTOM_HEADER_PREFIX) and key not in filters and params.get(key):
            filters[key] = params.get(key)
    sort = params.get("sort") or DEFAULT_SORT
    if sort.lstrip("-") not in SORTS:
        errors["sort"] = [_("%(value)s is not a column to sort by.") % {"value": sort[:40]}]
        sort = DEFAULT_SORT
    columns = DEFAULT_COLUMNS
    chosen = [c for value in params.getlist("cols") for c in value.split(",") if c]
    if chosen:
        unknown = [c for c in chosen if c not in COLUMN_BY_KEY]
        if unknown:
            errors["cols"] = [_("%(value)s is not a column.") % {"value": unknown[0][:40]}]
        columns = tuple(c.key for c in COLUMNS if c.key in chosen) or DEFAULT_COLUMNS  # shown in the table's order
    return Search(
        filters=filters,
        sort=sort,
        page=_positive(params.get("page"), "page", errors, 1),
        size=_positive(params.get("size"), "size", errors, DEFAULT_SIZE, PAGE_SIZES),
        columns=columns,
        errors=errors,
    )


def fetched_fields(columns):
    """The model fields the rows need: the chosen columns', and the id and start of every row."""
    names = ["id", "calldate"]
    for key in columns:
        names += [f for f in COLUMN_BY_KEY[key].fields if f not in names]
    return tuple(names)
