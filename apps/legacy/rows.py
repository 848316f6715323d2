"""Legacy row shapes: rename and format call columns the way VoIPmonitor clients read them."""

import zoneinfo
from functools import lru_cache

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


@lru_cache(maxsize=64)
def zone(name):
    return zoneinfo.ZoneInfo(name)


def local_datetime(value, tz_name):
    """`YYYY-MM-DD HH:MM:SS` in the tenant's time zone, as the GUI writes datetimes."""
    if value is None or isinstance(value, str):  # already formatted by the database (cdr_rows local_tz)
        return value
    return value.astimezone(zone(tz_name)).isoformat(" ", "seconds")[:19]


def whole_seconds(value):
    return None if value is None else int(value + 0.5)


def voipcall_row(row, tz_name, header_names):
    """One getVoipCalls row (legacy-api.md): the model's columns plus the legacy aliases."""
    custom = row.pop("custom_headers") or {}
    row["cdrId"] = row["ID"] = row.pop("id")
    row["callId"] = row["callid"]
    row["calldate"] = local_datetime(row["calldate"], tz_name)
    row["callend"] = local_datetime(row["callend"], tz_name)
    row["duration"] = whole_seconds(row["duration"])
    row["connect_duration"] = whole_seconds(row["connect_duration"])
    row["codec_a"] = codec_name(row["a_payload"])
    row["codec_b"] = codec_name(row["b_payload"])
    for name in header_names:
        row[name] = custom.get(name)
    return row


def cdr_id_row(row, tz_name):
    return {
        "cdrId": row["id"],
        "calldate": local_datetime(row["calldate"], tz_name),
        "caller": row["caller"],
        "called": row["called"],
    }
