"""Legacy row shapes: rename and format call columns the way VoIPmonitor clients read them."""

from apps.cdr.codecs import codec_name
from apps.cdr.models import DIRECTION_INT_FIELDS

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
    "custom_headers",
    *(c for c in QUALITY_COLUMNS if c not in ("a_payload", "b_payload")),
    *CALL_AGGREGATES,
)


def whole_seconds(value):
    return None if value is None else int(value + 0.5)


def voipcall_row(row, header_names):
    """One getVoipCalls row (legacy-api.md): the model's columns plus the legacy aliases. Datetimes
    arrive already in the tenant's zone (`cdr_rows(local_tz=...)`)."""
    custom = row.pop("custom_headers") or {}
    row["cdrId"] = row["ID"] = row.pop("id")
    row["callId"] = row["callid"]
    row["duration"] = whole_seconds(row["duration"])
    row["connect_duration"] = whole_seconds(row["connect_duration"])
    row["codec_a"] = codec_name(row["a_payload"])
    row["codec_b"] = codec_name(row["b_payload"])
    for name in header_names:
        row[name] = custom.get(name)
    return row


def cdr_id_row(row):
    return {
        "cdrId": row["id"],
        "calldate": row["calldate"],
        "caller": row["caller"],
        "called": row["called"],
    }
