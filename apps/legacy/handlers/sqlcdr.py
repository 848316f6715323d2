"""sql.php `module=CDR`: LISTING (paging, sorting, suppress_results, deferTotal) and TOTAL.

The filters are renamed to CdrFilterSet's REST names (params.py) and run through the same
selector as REST and getVoipCalls.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from apps.cdr.selectors import cdr_count, cdr_page, cdr_search
from apps.core.exceptions import InvalidInput

from .. import loosejson
from ..listingrows import LISTING_COLUMNS, SORT_FIELDS, listing_row
from ..params import require_date, rest_filters, switch, whole_number
from ..registry import sql_module

MAX_OFFSET = 10**12
DEFAULT_ORDER = ("-calldate", "-id")


def listing_paging(fields):
    """(offset, limit, capped): `start` wins over `page`; a limit above the maximum is cut down."""
    maximum = settings.VOIPMON_LEGACY_LISTING_MAX_LIMIT
    asked = whole_number(fields, "limit", None, minimum=1)
    limit = min(asked or maximum, maximum)
    page = whole_number(fields, "page", 1, minimum=1)
    offset = whole_number(fields, "start", (page - 1) * limit)
    return min(offset, MAX_OFFSET), limit, asked is not None and asked > maximum


def sort_terms(fields):
    raw = fields.get("sort")
    if raw in (None, ""):
        return []
    if isinstance(raw, str) and raw.strip()[:1] in ("[", "{"):
        try:
            raw = loosejson.loads(raw)
        except loosejson.LooseJSONError as exc:
            raise InvalidInput(_("Malformed sort: %(error)s") % {"error": exc}) from None
    if isinstance(raw, dict):
        raw = [raw]
    if isinstance(raw, str):
        return [(raw, fields.get("dir") or "ASC")]
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise InvalidInput(_('sort must be a field name or [{"property": .., "direction": ..}].'))
    return [(item.get("property"), item.get("direction") or "ASC") for item in raw]


def listing_order(fields):
    order = []
    for prop, direction in sort_terms(fields):
        field = SORT_FIELDS.get(str(prop))
        if field is None:
            raise InvalidInput(_("Unknown sort field: %(field)s") % {"field": prop})
        direction = str(direction).upper()
        if direction not in ("ASC", "DESC"):
            raise InvalidInput(_("Sort direction must be ASC or DESC, not %(dir)s.") % {"dir": direction})
        order.append(("-" if direction == "DESC" else "") + field)
    if not order:
        return DEFAULT_ORDER
    return (*order, "-id" if order[-1].startswith("-") else "id")


def listing_queryset(actor, fields):
    require_date(fields)
    filters, labels = rest_filters(fields)
    return cdr_search(actor=actor, filters=filters, labels=labels)


@sql_module("CDR", "LISTING", flag="can_cdr")
def cdr_listing(*, request, actor, fields):
    queryset = listing_queryset(actor, fields)
    offset, limit, capped = listing_paging(fields)
    order = listing_order(fields)
    if switch(fields, "suppress_results"):
        return {"total": cdr_count(queryset=queryset), "results": []}
    defer = switch(fields, "deferTotal")
    page = cdr_page(
        actor=actor,
        queryset=queryset,
        columns=LISTING_COLUMNS,
        order_by=order,
        offset=offset,
        limit=limit,
        with_total=not defer,
        local_tz=actor.timezone,
    )
    rows, total = (page, None) if defer else page
    body = {"results": [listing_row(row, actor.custom_headers) for row in rows]}
    if defer:
        body["deferTotal"] = True
    else:
        body["total"] = total
    if capped:
        body["limit"] = limit
        body["limit_capped"] = True
        body["warning"] = _("limit is capped at %(limit)s rows; page with start and limit.") % {"limit": limit}
    return body


@sql_module("CDR", "TOTAL", flag="can_cdr")
def cdr_total(*, request, actor, fields):
    return {"total": cdr_count(queryset=listing_queryset(actor, fields))}
