"""sql.php LISTING rows: the GUI's row shape (legacy-api.md), display strings and the divided columns."""

from apps.cdr.models import DELAY_BUCKETS, SL_BUCKETS
from apps.core.codecs import codec_name

from .rows import whole_seconds

SIDE_PLAIN = (
    "saddr", "ua", "payload", "received", "lost", "maxjitter", "rtcp_maxjitter", "delay_sum",
    *(f"d{n}" for n in DELAY_BUCKETS), *(f"sl{n}" for n in SL_BUCKETS),
)  # fmt: skip
# row key (without a_/b_) -> (column, divisor): the values clients read in natural units
SIDE_DIVIDED = {
    "avgjitter": ("avgjitter_mult10", 10),
    "mos_f1": ("mos_f1_mult10", 10),
    "mos_f2": ("mos_f2_mult10", 10),
    "mos_adapt": ("mos_adapt_mult10", 10),
    "rtcp_avgjitter": ("rtcp_avgjitter_mult10", 10),
    "rtcp_maxfr": ("rtcp_maxfr", 2.56),  # raw fraction lost 0..255 -> %
    "rtcp_avgfr": ("rtcp_avgfr_mult10", 25.6),
    "delay_avg": ("delay_avg_mult100", 100),
    "packet_loss_perc": ("packet_loss_perc_mult1000", 1000),
}
PLAIN = (
    "id", "calldate", "callend", "duration", "connect_duration", "progress_time", "ringing_time", "caller",
    "called", "caller_domain", "called_domain", "callername", "callid", "lastSIPresponseNum", "lastSIPresponse",
    "bye", "whohanged", "id_sensor", "sipcallerip", "sipcalledip", "sipcallerport", "sipcalledport", "payload",
    "custom_headers",
)  # fmt: skip
LISTING_COLUMNS = (
    *PLAIN,
    *(f"{side}{name}" for side in ("a_", "b_") for name in SIDE_PLAIN),
    *(f"{side}{column}" for side in ("a_", "b_") for column, _div in SIDE_DIVIDED.values()),
)

# sortable row key -> model field
SORT_FIELDS = {
    **{name: name for name in LISTING_COLUMNS if name != "custom_headers"},
    "ID": "id",
    "cdr_ID": "id",
    "fbasename": "callid",
    "_duration": "duration",
    "_connect_duration": "connect_duration",
    "a_codec": "a_payload",
    "b_codec": "b_payload",
    **{f"{side}{key}": f"{side}{column}" for side in ("a_", "b_") for key, (column, _d) in SIDE_DIVIDED.items()},
}


def minutes_seconds(seconds):
    """`M:SS` (minutes unbounded: 75:03), the GUI's display of a duration."""
    if seconds is None:
        return ""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


def divided(value, divisor):
    return None if value is None else round(value / divisor, 2)


def seconds3(value):
    return None if value is None else round(value, 3)


def listing_row(row, header_names=None):
    custom = row.pop("custom_headers") or {}
    out = {"ID": row["id"], "cdr_ID": row["id"]}
    out.update(row)
    del out["id"]
    out["_duration"] = whole_seconds(row["duration"])
    out["duration"] = minutes_seconds(out["_duration"])
    out["_connect_duration"] = whole_seconds(row["connect_duration"])
    out["connect_duration"] = minutes_seconds(out["_connect_duration"])
    out["progress_time"] = seconds3(row["progress_time"])
    out["ringing_time"] = seconds3(row["ringing_time"])
    out["fbasename"] = row["callid"]
    for side in ("a_", "b_"):
        out[f"{side}codec"] = codec_name(row[f"{side}payload"])
        for key, (column, divisor) in SIDE_DIVIDED.items():
            out[f"{side}{key}"] = divided(out.pop(f"{side}{column}"), divisor)
    for name, value in custom.items():
        if header_names is None or name in header_names:
            out[f"custom_header__{name}"] = value
    return out
