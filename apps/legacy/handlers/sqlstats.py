"""sql.php `module=CDR_stats` (counts, ASR, ACD per group) and `module=CDR_RTP` (one call's streams)."""

from django.utils.translation import gettext as _

from apps.cdr.selectors import cdr_group_stats, cdr_search, cdr_streams
from apps.core.codecs import codec_name
from apps.core.exceptions import Forbidden, InvalidInput

from ..params import rest_filters, whole_number
from ..registry import sql_module

# group_by -> (column, text column shown beside it, or None)
GROUPS = {
    "4": ("lastSIPresponseNum", "lastSIPresponse"),
    "3": ("payload", None),
    "8": ("a_ua", None),
    "2": ("sipcallerip", None),
}


def stats_row(row, column):
    """Counts, answered seconds, ACD (s) and ASR (%) as JSON numbers; codecs also by name."""
    cnt_all, connected = row["cnt_all"], row["cnt_connected"]
    seconds = float(row.pop("duration_all") or 0)
    row["duration_all"] = int(round(seconds))
    row["acd"] = round(seconds / connected, 1) if connected else 0
    row["asr"] = round(100.0 * connected / cnt_all, 2) if cnt_all else 0
    if column == "payload":
        row["codec"] = codec_name(row["payload"])
    return row


@sql_module("CDR_stats", "LISTING", flag="can_cdr")
def cdr_stats(*, request, actor, fields):
    group_by = str(fields.get("group_by") or "")
    if group_by not in GROUPS:
        raise InvalidInput(
            _("group_by must be one of %(values)s, not %(value)s.")
            % {"values": ", ".join(sorted(GROUPS)), "value": group_by or "-"}
        )
    column, text = GROUPS[group_by]
    filters, labels = rest_filters(fields)
    queryset = cdr_search(actor=actor, filters=filters, labels=labels)
    rows = [stats_row(row, column) for row in cdr_group_stats(queryset=queryset, group_field=column, text_field=text)]
    return {"total": len(rows), "results": rows}


@sql_module("CDR_RTP", "LISTING", flag="can_cdr")
def cdr_rtp(*, request, actor, fields):
    if actor.can("no_rtp"):
        raise Forbidden(_("Permission denied: RTP details are hidden for this account."))
    cdr_id = whole_number(fields, "cdr_id", None, minimum=1)
    if cdr_id is None:
        raise InvalidInput(_("cdr_id is required."))
    _call, streams = cdr_streams(actor=actor, cdr_id=cdr_id)
    rows = [{**stream, "loss": stream["lost"]} for stream in streams]
    return {"total": len(rows), "results": rows}
