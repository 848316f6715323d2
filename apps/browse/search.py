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

L = gettext_lazy
FILTERS = CdrFilterSet.base_filters
PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_SIZE = 50
DEFAULT_SORT = "-calldate"
RESERVED = ("sort", "page", "size", "cols")  # the page's own parameters; no filter has these names

# Labels of the page (the FilterSet's own are phrased for the API's schema).
LABELS = {
    "calldate_from": L("Started at or after"),
    "calldate_to": L("Started at or before"),
    "callend_to": L("Ended by"),
    "last_days": L("Last N days"),
    "last_minutes": L("Last N minutes"),
    "duration_gt": L("Duration longer than (s)"),
    "duration_lt": L("Duration shorter than (s)"),
    "connect_duration_gt": L("Answered time longer than (s)"),
    "connect_duration_lt": L("Answered time shorter than (s)"),
    "duration_whole_gt": L("Duration in whole seconds above"),
    "duration_whole_lt": L("Duration in whole seconds below"),
    "connect_duration_whole_gt": L("Answered whole seconds above"),
    "connect_duration_whole_lt": L("Answered whole seconds below"),
    "pdd_gt": L("Post-dial delay longer than (s)"),
    "pdd_lt": L("Post-dial delay shorter than (s)"),
    "ringing_gt": L("Ringing longer than (s)"),
    "ringing_lt": L("Ringing shorter than (s)"),
    "number": L("Number on either side (% wildcards)"),
    "caller": L("Caller number (% wildcards)"),
    "called": L("Called number (% wildcards)"),
    "number_mode": L("Caller and called numbers"),
    "callername": L("Caller display name (% wildcards)"),
    "caller_domain": L("Caller domain (% wildcards)"),
    "called_domain": L("Called domain (% wildcards)"),
    "domain_mode": L("Caller and called domains"),
    "a_ua": L("Caller's user agent (% wildcards)"),
    "b_ua": L("Callee's user agent (% wildcards)"),
    "sipcallerip": L("Caller's SIP address or network"),
    "sipcalledip": L("Callee's SIP address or network"),
    "sip_ip_mode": L("Caller and callee SIP addresses"),
    "sipcallerport": L("Caller's SIP ports (comma-separated)"),
    "sipcalledport": L("Callee's SIP ports (comma-separated)"),
    "a_saddr": L("Caller's RTP address or network"),
    "b_saddr": L("Callee's RTP address or network"),
    "rtp_ip_mode": L("Caller and callee RTP addresses"),
    "id_sensor": L("Sensors (comma-separated numbers)"),
    "callid": L("SIP Call-ID (exact)"),
    "id": L("Call ids (comma-separated)"),
    "connected": L("Answered"),
    "last_sip_response": L("Last SIP response (486, or a class: 4; comma-separated)"),
    "bye": L("End reason codes (comma-separated)"),
    "whohanged": L("Hung up by"),
    "codec": L("Codec codes (comma-separated)"),
    "exclude_codec": L("Codec codes to leave out"),
}
MODE_LABELS = {
    "mos_mode": L("MOS: caller and callee"),
    "rtcp_mode": L("RTCP: caller and callee"),
    "loss_mode": L("Loss bursts: caller and callee"),
    "delay_mode": L("Delay buckets: caller and callee"),
    "jitter_mode": L("Jitter: caller and callee"),
    "packet_loss_mode": L("Packet loss: caller and callee"),
    "delay_avg_mode": L("Delay variation: caller and callee"),
}
MODE_OPTIONS = (("", L("each side its own value")), ("or", L("either side")), ("and", L("both sides")))
MEASURES = {
    "mos_f1_lte": L("MOS f1 at most"),
    "mos_adapt_lte": L("MOS adaptive at most"),
    "mos_f2_lte": L("MOS f2 at most"),
    "mos_min_gte": L("Lowest MOS f2 at least"),
    "mos_min_lt": L("Lowest MOS f2 below"),
    "rtcp_maxjitter_gte": L("RTCP max jitter at least (ms)"),
    "rtcp_avgjitter_gte": L("RTCP average jitter at least (ms)"),
    "rtcp_maxfr_gte": L("RTCP max fraction lost at least (%)"),
    "rtcp_avgfr_gte": L("RTCP average fraction lost at least (%)"),
    "jitter_max_gte": L("Max jitter at least (ms)"),
    "jitter_max_lt": L("Max jitter below (ms)"),
    "jitter_avg_gte": L("Average jitter at least (ms)"),
    "jitter_avg_lt": L("Average jitter below (ms)"),
    "packet_loss_perc_gte": L("Packet loss at least (%)"),
    "packet_loss_perc_lt": L("Packet loss below (%)"),
    "delay_avg_gte": L("Average delay variation at least (ms)"),
    "delay_avg_lt": L("Average delay variation below (ms)"),
}

GROUPS = (
    (
        "time",
        L("Time"),
        (
            "calldate_from", "calldate_to", "callend_to", "last_days", "last_minutes", "duration_gt", "duration_lt",
            "duration_whole_gt", "duration_whole_lt", "connect_duration_gt", "connect_duration_lt",
            "connect_duration_whole_gt", "connect_duration_whole_lt", "pdd_gt", "pdd_lt", "ringing_gt", "ringing_lt",
        ),
    ),
    (
        "parties",
        L("Parties"),
        (
            "number", "caller", "called", "number_mode", "callername", "caller_domain", "called_domain",
            "domain_mode", "a_ua", "b_ua",
        ),
    ),
    (
        "addresses",
        L("Addresses"),
        (
            "sipcallerip", "sipcalledip", "sip_ip_mode", "sipcallerport", "sipcalledport", "a_saddr", "b_saddr",
            "rtp_ip_mode", "id_sensor",
        ),
    ),
    ("sip", L("SIP"), ("connected", "last_sip_response", "whohanged", "bye", "callid", "id", "codec", "exclude_codec")),
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
    Column("calldate", L("Start"), ("calldate",), "calldate"),
    Column("callend", L("End"), ("callend",), "callend"),
    Column("caller", L("Caller"), ("caller",), "caller"),
    Column("callername", L("Caller name"), ("callername",), "callername"),
    Column("called", L("Called"), ("called",), "called"),
    Column("caller_domain", L("Caller domain"), ("caller_domain",), "caller_domain"),
    Column("called_domain", L("Called domain"), ("called_domain",), "called_domain"),
    Column("duration", L("Duration (s)"), ("duration",), "duration", _whole),
    Column("connect_duration", L("Answered (s)"), ("connect_duration",), "connect_duration", _whole),
    Column("pdd", L("Post-dial delay (s)"), ("progress_time",), "progress_time", _num(1, 2)),
    Column("result", L("Last response"), ("lastSIPresponseNum", "lastSIPresponse"), "lastSIPresponseNum"),
    Column("whohanged", L("Hung up by"), ("whohanged",), "whohanged"),
    Column("bye", L("End reason"), ("bye",), "bye", _bye),
    Column("sensor", L("Sensor"), ("id_sensor",), "id_sensor"),
    Column("codec", L("Codec"), ("payload",), "payload", codec_name),
    Column("mos", L("Lowest MOS"), ("mos_min_mult10",), "mos_min_mult10", _num(10, 1)),
    Column("mos_a", L("MOS caller (f1)"), ("a_mos_f1_mult10",), "a_mos_f1_mult10", _num(10, 1)),
    Column("mos_b", L("MOS callee (f1)"), ("b_mos_f1_mult10",), "b_mos_f1_mult10", _num(10, 1)),
    Column("loss", L("Packet loss (%)"), ("packet_loss_perc_mult1000",), "packet_loss_perc_mult1000", _num(1000, 2)),
    Column("jitter", L("Jitter (ms)"), ("jitter_mult10",), "jitter_mult10", _num(10, 1)),
    Column("sipcallerip", L("Caller SIP address"), ("sipcallerip",), "sipcallerip"),
    Column("sipcalledip", L("Callee SIP address"), ("sipcalledip",), "sipcalledip"),
    Column("a_ua", L("Caller's user agent"), ("a_ua",), "a_ua"),
    Column("b_ua", L("Callee's user agent"), ("b_ua",), "b_ua"),
    Column("callid", L("Call-ID"), ("callid",), "callid"),
    Column("id", L("Id"), ("id",), "id"),
    Column("headers", L("Custom headers"), ("custom_headers",)),
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
