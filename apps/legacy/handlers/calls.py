"""getVoipCalls and listCdrIds: rename legacy keys, call the same selector as REST, shape rows."""

from django.conf import settings
from django.utils.translation import gettext as _

from apps.cdr.selectors import cdr_rows, cdr_search
from apps.core.bounds import id_text_valid, shown
from apps.core.exceptions import InvalidInput, NotFound
from apps.core.values import truthy

from ..registry import legacy_task
from ..rows import cdr_id_row, voipcall_rows, voipcalls_select

# getVoipCalls parameter -> CdrFilterSet filter
VOIPCALLS_FILTERS = {
    "startTime": "calldate_from",
    "startTimeTo": "calldate_to",
    "endTime": "calldate_to",
    "callEnd": "callend_to",
    "caller": "caller",
    "called": "called",
    "callId": "callid",
    "cdrId": "id",
    "id_sensor": "id_sensor",
    "onlyConnected": "connected",
}
VOIPCALLS_OPTIONS = {"msisdn", "customHeaders", "auditReason"}


def as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(as_text(item) for item in value)
    return str(value)


def voipcalls_filters(params):
    unknown = sorted(set(params) - set(VOIPCALLS_FILTERS) - VOIPCALLS_OPTIONS)
    if unknown:
        raise InvalidInput(_("Unknown parameter: %(names)s") % {"names": ", ".join(unknown)})
    if params.get("startTime") in (None, ""):
        raise InvalidInput(_("startTime is required."))
    cdr_id = params.get("cdrId")
    if cdr_id not in (None, "") and not all(id_text_valid(part) for part in as_text(cdr_id).split(",")):
        raise InvalidInput(
            _("cdrId must be a number (a call id, 1 to 2^63-1), not %(value)s.") % {"value": shown(cdr_id)}
        )
    filters = {
        target: as_text(params[key]) for key, target in VOIPCALLS_FILTERS.items() if params.get(key) not in (None, "")
    }
    if "connected" in filters:
        filters["connected"] = "true" if truthy(params["onlyConnected"]) else ""
    msisdn = params.get("msisdn")
    if msisdn not in (None, "", False):
        if truthy(msisdn) and ("caller" in filters or "called" in filters):
            # the switch form: the caller (or called) value may be on either side
            filters["number"] = filters.pop("caller", None) or filters.pop("called")
        else:
            filters["number"] = as_text(msisdn)
    return filters


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


def bounded_int(params, key, default, maximum):
    value = params.get(key, default)
    try:
        number = int(str(value))
    except ValueError:
        raise InvalidInput(_("%(key)s must be a whole number, not %(value)s.") % {"key": key, "value": value}) from None
    if number < 0:
        raise InvalidInput(_("%(key)s must not be negative.") % {"key": key})
    return min(number, maximum)


@legacy_task("listCdrIds", flag="can_cdr")
def list_cdr_ids(*, actor, params, fields):
    if isinstance(params, list):
        raise InvalidInput(_("listCdrIds takes one query."))
    unknown = sorted(set(params) - {"offset", "size", "auditReason"})
    if unknown:
        raise InvalidInput(_("Unknown parameter: %(names)s") % {"names": ", ".join(unknown)})
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
