"""Every read of the call browser. Calls come from `cdr_search` (the REST and legacy search, with the
actor's restrictions); saved filters and capture settings start from `visible_to(actor)`."""

import zoneinfo

from django.db.models import DateTimeField, Q
from django.utils.translation import gettext as _

from apps.capture.models import CaptureSettings
from apps.cdr.models import Cdr
from apps.cdr.selectors import cdr_count, cdr_page, cdr_search, local_datetime_text
from apps.core.bounds import id_or_none
from apps.core.exceptions import NotFound

from .models import SavedFilter

CSV_CHUNK = 2000


def browse_header_names(*, actor):
    """The custom SIP headers the tenant keeps on its calls and this actor may see (one field each)."""
    config = CaptureSettings.objects.visible_to(actor).first()
    names = config.header_names() if config else ()
    allowed = actor.custom_headers
    return tuple(n for n in names if allowed is None or n in allowed)


def browse_page(*, actor, search, fields):
    """(rows, total) of one page of the search; times as text in the actor's time zone.

    The page's ids come from an ordered scan that stops at the page's end, and the total from a plain
    count (an index-only scan where it can), not from `COUNT(*) OVER ()`: the window must read and sort
    every matching row before the first one is returned, which over a broad search of a million calls
    took seconds where the two queries take a fraction of that. A first page shorter than the page size
    is its own total."""
    queryset = cdr_search(actor=actor, filters=search.filters)
    rows = cdr_page(
        actor=actor,
        queryset=queryset,
        columns=fields,
        order_by=search.order_by,
        offset=(search.page - 1) * search.size,
        limit=search.size,
        local_tz=actor.timezone,
    )
    if search.page == 1 and len(rows) < search.size:
        return rows, len(rows)
    return rows, cdr_count(queryset=queryset)


def browse_rows_all(*, actor, search, fields):
    """Every row of the search in its order, read in chunks as they are consumed (the CSV streams them).

    The search is checked now (FilterInvalid before the first byte is sent); the rows come later."""
    queryset = cdr_search(actor=actor, filters=search.filters).order_by(*search.order_by)
    zone = zoneinfo.ZoneInfo(actor.timezone)
    times = [f for f in fields if isinstance(Cdr._meta.get_field(f), DateTimeField)]

    def rows():
        for values in queryset.values_list(*fields).iterator(chunk_size=CSV_CHUNK):
            row = dict(zip(fields, values, strict=True))
            for name in times:
                row[name] = local_datetime_text(row[name], zone)
            yield row

    return rows()


def saved_filter_list(*, actor):
    """The actor's own saved searches and those shared in its tenant."""
    actor.require("can_cdr")
    return SavedFilter.objects.visible_to(actor).filter(Q(owner_id=actor.user_id) | Q(shared=True))


def saved_filter_get(*, actor, filter_id):
    try:
        return saved_filter_list(actor=actor).get(pk=id_or_none(filter_id))
    except (SavedFilter.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Saved filter %(id)s not found.") % {"id": filter_id}) from None
