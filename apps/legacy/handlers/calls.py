"""getVoipCalls and listCdrIds: rename legacy keys (params.py), call the same selector as REST, shape rows."""

from django.conf import settings
from django.utils.translation import gettext as _

from apps.cdr.selectors import cdr_rows, cdr_search
from apps.core.exceptions import InvalidInput, NotFound

from ..params import LIST_CDR_IDS_KEYS, as_text, bounded_int, unknown_refuse, voipcalls_filters
from ..registry import legacy_task
from ..rows import cdr_id_row, voipcall_rows, voipcalls_select


def header_names(params, actor):
    names = [n.strip() for n in as_text(params.get("customHeaders") or "").split(",") if n.strip()]
    if actor.custom_headers is not None:
        names = [n for n in names if n in actor.custom_headers]
    return names


def voipcalls_query(actor, params):
    filters = voipcalls_filters(params)
    names = header_names(params, actor)
    limit = settings.VOIPMON_LEGACY_MAX_ROWS
    queryset = cdr_search(actor=actor, filters=filters)
    columns, keys = voipcalls_select(names)
    rows = cdr_rows(queryset=queryset, columns=columns, keys=keys, limit=limit + 1, local_tz=actor.timezone)
    if len(rows) > limit:
        raise InvalidInput(
            _("The search matches more than %(limit)s calls; narrow it (for example with startTimeTo).")
            % {"limit": limit}
        )
    if "id" in filters and not rows:
        raise NotFound(_("Call %(id)s not found.") % {"id": filters["id"]})
    return voipcall_rows(rows, names)


@legacy_task("getVoipCalls", flag="can_cdr")
def get_voip_calls(*, actor, params, fields):
    queries = params if isinstance(params, list) else [params]
    rows = []
    for query in queries:
        rows.extend(voipcalls_query(actor, query))
    return {"cdr": rows, "total": len(rows)}


@legacy_task("listCdrIds", flag="can_cdr")
def list_cdr_ids(*, actor, params, fields):
    if isinstance(params, list):
        raise InvalidInput(_("listCdrIds takes one query."))
    unknown_refuse(params, LIST_CDR_IDS_KEYS)
    offset = bounded_int(params, "offset", 0, 10**12)
    size = bounded_int(params, "size", 100, 10_000)
    queryset = cdr_search(actor=actor, filters={})
    rows = cdr_rows(
        queryset=queryset,
        columns=("id", "calldate", "caller", "called"),
        order_by=("id",),
        offset=offset,
        limit=size,
        local_tz=actor.timezone,
    )
    return {"cdr": [cdr_id_row(row) for row in rows], "total": queryset.count()}
