"""Legacy row shapes: rename and format call columns the way VoIPmonitor clients read them."""

from apps.cdr.models import DIRECTION_INT_FIELDS
from apps.core.codecs import codec_name

CALL_AGGREGATES = (
    "payload",
    "jitter_mult10",
    "packet_loss_perc_mult1000",
    "lost",
    "mos_min_mult10",
    "delay_sum",
    "delay_cnt",
    "delay_avg_mult100",
    "rtcp_avgfr_mult10",
    "rtcp_avgjitter_mult10",
)
QUALITY_COLUMNS = tuple(
    f"{side}{name}" for side in ("a_", "b_") for name in ("saddr", "ua", *DIRECTION_INT_FIELDS) if name != "index"
)
VOIPCALLS_COLUMNS = (
    "id",
    "callid",
    "calldate",
    "callend",
    "duration",
    "connect_duration",
    "caller",
    "called",
    "caller_domain",
    "called_domain",
    "callername",
    "sipcallerip",
    "sipcalledip",
    "sipcallerport",
    "sipcalledport",
    "a_payload",
    "b_payload",
    "lastSIPresponseNum",
    "lastSIPresponse",
    "bye",
    "whohanged",
    "id_sensor",
    *(c for c in QUALITY_COLUMNS if c not in ("a_payload", "b_payload")),
    *CALL_AGGREGATES,
)


def whole_seconds(value):
    return None if value is None else int(value + 0.5)


# The row keys as cdr_rows builds them: `id` is read straight into `cdrId`, the other aliases are copies.
VOIPCALLS_KEYS = tuple("cdrId" if c == "id" else c for c in VOIPCALLS_COLUMNS)


def voipcalls_select(header_names):
    """The columns and row keys to read: custom headers only when some are asked for."""
    if not header_names:
        return VOIPCALLS_COLUMNS, VOIPCALLS_KEYS
    return (*VOIPCALLS_COLUMNS, "custom_headers"), (*VOIPCALLS_KEYS, "custom_headers")


def voipcall_rows(rows, header_names):
    """Turn `cdr_rows(columns, keys=voipcalls_select(...))` rows into getVoipCalls rows (legacy-api.md), in
    place: the legacy aliases, whole seconds, codec names and the named custom headers. Datetimes
    arrive already in the tenant's zone (`cdr_rows(local_tz=...)`). One loop over every row, since
    a day of a busy tenant is thousands of rows of 120 keys."""
    for row in rows:
        row["ID"] = row["cdrId"]
        row["callId"] = row["callid"]
        row["duration"] = whole_seconds(row["duration"])
        row["connect_duration"] = whole_seconds(row["connect_duration"])
        row["codec_a"] = codec_name(row["a_payload"])
        row["codec_b"] = codec_name(row["b_payload"])
        if header_names:
            custom = row.pop("custom_headers") or {}
            for name in header_names:
                row[name] = custom.get(name)
    return rows


def cdr_id_row(row):
    return {
        "cdrId": row["id"],
        "calldate": row["calldate"],
        "caller": row["caller"],
        "called": row["called"],
    }
