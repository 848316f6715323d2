"""Reading legacy parameters: every legacy key's REST name, and every parser the handlers share.

The GUI's filter names (sql.php, admin.php?cdr_filter) and getVoipCalls' parameters are renamed to
the REST names of CdrFilterSet here, and only here: values pass through unchanged (lists from PHP
bracket form are joined with commas), so sql.php, getVoipCalls and REST share one meaning of every
filter. docs/legacy-api.md lists each filter with its meaning. Numbers, seconds, yes/no switches and
the known keys of each task are read here too, so a handler is the few lines that call a selector.
"""

from django.utils.translation import gettext as _

from apps.cdr.filtersets import CUSTOM_HEADER_PREFIX
from apps.core.bounds import id_text_valid, shown
from apps.core.exceptions import InvalidInput
from apps.core.values import truthy
from apps.media.access import seconds_parse

LEGACY_HEADER_PREFIX = "f" + CUSTOM_HEADER_PREFIX

BASE_FILTERS = {
    "fdatefrom": "calldate_from",
    "fdateto": "calldate_to",
    "flast_days": "last_days",
    "flast_minutes": "last_minutes",
    "fcaller": "caller",
    "fcalled": "called",
    "fcallerd_type": "number_mode",
    "fcaller_domain": "caller_domain",
    "fcalled_domain": "called_domain",
    "fcallerd_domain_type": "domain_mode",
    "fcallername": "callername",
    "fsipcallerip": "sipcallerip",
    "fsipcalledip": "sipcalledip",
    "fsipcallerdip_type": "sip_ip_mode",
    "fsipcallerport": "sipcallerport",
    "fsipcalledport": "sipcalledport",
    "fa_saddr": "a_saddr",
    "fb_saddr": "b_saddr",
    "fab_saddr_type": "rtp_ip_mode",
    "fcallid": "callid",
    "fbasename": "callid",
    "fsipresponse": "last_sip_response",
    "fdurationgt": "duration_whole_gt",  # whole seconds, as the rows' _duration shows (and the GUI's column)
    "fdurationlt": "duration_whole_lt",
    "fconnect_durationgt": "connect_duration_whole_gt",
    "fconnect_durationlt": "connect_duration_whole_lt",
    "fpddgt": "pdd_gt",
    "fpddlt": "pdd_lt",
    "fringinggt": "ringing_gt",
    "fringinglt": "ringing_lt",
    "fsensor_id": "id_sensor",
    "fcodec": "codec",
    "fexclude_codec": "exclude_codec",
    "fbye": "bye",
    "fwho_hangup": "whohanged",
    "fa_ua": "a_ua",
    "fb_ua": "b_ua",
}

# legacy quality filter (caller's stream; `<name>_called` for the callee's) -> REST name without a_/b_
QUALITY = {
    "fmosf1": "mos_f1_lte",
    "fmosf2": "mos_f2_lte",
    "fmosadapt": "mos_adapt_lte",
    "fmos_min_ge": "mos_min_gte",
    "fmos_min_lt": "mos_min_lt",
    "frtcp_maxjitter": "rtcp_maxjitter_gte",
    "frtcp_avgjitter": "rtcp_avgjitter_gte",
    "frtcp_maxfr": "rtcp_maxfr_gte",
    "frtcp_avgfr": "rtcp_avgfr_gte",
    **{f"floss{n}": f"sl{n}_gte" for n in range(1, 11)},
    **{f"f_d{n}": f"d{n}_gte" for n in (50, 70, 90, 120, 150, 200, 300)},
    "fjitter_max_ge": "jitter_max_gte",
    "fjitter_max_lt": "jitter_max_lt",
    "fjitter_avg_ge": "jitter_avg_gte",
    "fjitter_avg_lt": "jitter_avg_lt",
    "fpacket_loss_perc_ge": "packet_loss_perc_gte",
    "fpacket_loss_perc_lt": "packet_loss_perc_lt",
    "fdelay_avg_ge": "delay_avg_gte",
    "fdelay_avg_lt": "delay_avg_lt",
}
SWITCHES = {
    "fmos_callerd_type": "mos_mode",
    "frtcp_callerd_type": "rtcp_mode",
    "floss_callerd_type": "loss_mode",
    "f_d_callerd_type": "delay_mode",
    "fjitter_callerd_type": "jitter_mode",
    "fpacket_loss_perc_callerd_type": "packet_loss_mode",
    "fdelay_callerd_type": "delay_avg_mode",
}

LEGACY_FILTERS = {
    **BASE_FILTERS,
    **{legacy: f"a_{rest}" for legacy, rest in QUALITY.items()},
    **{f"{legacy}_called": f"b_{rest}" for legacy, rest in QUALITY.items()},
    **SWITCHES,
}

# Not filters: what the request asks for (paging, sorting, totals) and how it authenticates.
CONTROLS = frozenset(
    {"task", "module", "page", "start", "limit", "sort", "dir", "suppress_results", "deferTotal", "group_by"}
    | {"cdr_id", "SID", "auditReason", "user", "pass", "password"}
)
# The GUI's housekeeping parameters, sent with every request: accepted and ignored.
HOUSEKEEPING = frozenset(
    {"timestampId", "clientTimezone", "clientOsTimezone", "timeout", "check_active_request", "simple", "disableRtp"}
    | {"_dc"}
)


def legacy_value(key, value):
    if isinstance(value, list):
        return ",".join(legacy_value(key, item) for item in value)
    if isinstance(value, dict):
        raise InvalidInput(_("%(name)s must be a value, not an object.") % {"name": key})
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value).strip()


def rest_filters(fields, *, ignore=CONTROLS | HOUSEKEEPING):
    """Legacy filter fields -> (REST filters, REST name -> legacy name). An unknown name is an error."""
    filters, labels, unknown = {}, {}, []
    for key, raw in fields.items():
        if key in ignore:
            continue
        if key.startswith(LEGACY_HEADER_PREFIX) and len(key) > len(LEGACY_HEADER_PREFIX):
            target = key[1:]
        else:
            target = LEGACY_FILTERS.get(key)
        if target is None:
            unknown.append(key)
            continue
        value = legacy_value(key, raw)
        if value == "":
            continue
        if target in filters and filters[target] != value:
            raise InvalidInput(_("%(first)s and %(second)s disagree.") % {"first": labels[target], "second": key})
        filters[target], labels[target] = value, key
    if unknown:
        raise InvalidInput(_("Unknown filter: %(names)s") % {"names": ", ".join(sorted(unknown))})
    return filters, labels


DATE_FILTERS = ("fdatefrom", "fdateto", "flast_days", "flast_minutes")


def require_date(fields):
    """The spec's rule for LISTING: at least one of fdatefrom / fdateto (or a relative window)."""
    if not any(fields.get(name) not in (None, "") for name in DATE_FILTERS):
        raise InvalidInput(_("fdatefrom or fdateto is required (or flast_days / flast_minutes)."))


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
LIST_CDR_IDS_KEYS = {"offset", "size", "auditReason"}
PCAP_KEYS = {"cdrId", "callId", "calldate", "cidInterval", "cidMerge", "zip", "disable_rtp", "auditReason"}
AUDIO_KEYS = {"cdrId", "callId", "calldate", "zip", "ogg", "saveaudio_afterconnect", "auditReason"}
GRAPH_KEYS = {"cdrId", "callId", "calldate", "type", "side", "auditReason"}


def unknown_refuse(params, known):
    """An unknown parameter is named in the error, never ignored (a typo must not widen a search)."""
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise InvalidInput(_("Unknown parameter: %(names)s") % {"names": ", ".join(unknown)})


def as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(as_text(item) for item in value)
    return str(value)


def switch(values, key):
    """A yes/no parameter: 1, true, yes, on (any case) are yes; anything else, or nothing, is no."""
    return truthy(values.get(key))


def voipcalls_filters(params):
    """getVoipCalls parameters -> CdrFilterSet filters (msisdn: the number on either side)."""
    unknown_refuse(params, {*VOIPCALLS_FILTERS, *VOIPCALLS_OPTIONS})
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
        filters["connected"] = "true" if switch(params, "onlyConnected") else ""
    msisdn = params.get("msisdn")
    if msisdn not in (None, "", False):
        if truthy(msisdn) and ("caller" in filters or "called" in filters):
            # the switch form: the caller (or called) value may be on either side
            filters["number"] = filters.pop("caller", None) or filters.pop("called")
        else:
            filters["number"] = as_text(msisdn)
    return filters


def bounded_int(params, key, default, maximum):
    """A count or offset of the HTTP API: a whole number, not negative, cut down to `maximum`."""
    value = params.get(key, default)
    text = str(value).strip()
    if not text.lstrip("-").isdigit() or len(text) > 20:  # checked before int(): no 4,300-digit conversion
        raise InvalidInput(_("%(key)s must be a whole number, not %(value)s.") % {"key": key, "value": shown(value)})
    number = int(text)
    if number < 0:
        raise InvalidInput(_("%(key)s must not be negative.") % {"key": key})
    return min(number, maximum)


def whole_number(fields, key, default, *, minimum=0):
    """A whole number of sql.php (paging, ids): `default` when absent or empty, refused below `minimum`."""
    value = fields.get(key)
    if value in (None, ""):
        return default
    text = str(value).strip()
    if not text.lstrip("-").isdigit() or len(text) > 20:
        raise InvalidInput(_("%(key)s must be a whole number, not %(value)s.") % {"key": key, "value": value})
    number = int(text)
    if number < minimum:
        raise InvalidInput(_("%(key)s must be at least %(minimum)s.") % {"key": key, "minimum": minimum})
    return number


def seconds_or_none(values, key):
    """A number of seconds (media's rule and bounds), or None when absent, empty or zero."""
    value = values.get(key)
    return seconds_parse(value, name=key) if value not in (None, "", 0, "0") else None


def media_options(params, fields, known):
    """The task's options from params and the top-level fields; unknown params are named, not ignored."""
    if isinstance(params, list):
        raise InvalidInput(_("This task takes one query, not a list."))
    unknown_refuse(params, known)
    options = {key: fields[key] for key in known if key in fields and key != "auditReason"}
    options.update(params)
    return options
