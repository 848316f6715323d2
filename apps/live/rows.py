"""Active-call rows in the sniffer's ``listcalls`` shape (no Django import).

The listener publishes plain values (epoch seconds, dotted IPs); here they become what the
VoIPmonitor GUI's API answers: ``calldate`` as local text, ``calldate_num`` and ``lastpackettime``
as epoch integers, ``callerip``/``calledip`` as integers for IPv4 (text for IPv6), whole-second
durations.
"""

import datetime as dt
import ipaddress
import zoneinfo

FIELDS = (
    "callreference",
    "callid",
    "calldate",
    "calldate_num",
    "lastpackettime",
    "duration",
    "connect_duration",
    "caller",
    "called",
    "callername",
    "callerdomain",
    "calleddomain",
    "calleragent",
    "calledagent",
    "callerip",
    "calledip",
    "lastSIPresponseNum",
    "rtp_src",
    "rtp_dst",
    "callercodec",
    "calledcodec",
    *(
        f"{side}_{name}{suffix}"
        for side in ("src", "dst")
        for name in ("mosf1", "mosf2", "mosAD")
        for suffix in ("", "_avg", "_min")
    ),
    *(
        f"{side}_{name}"
        for side in ("src", "dst")
        for name in ("jitter", "jitter_avg", "jitter_max", "received", "loss_abs", "loss", "loss_last10sec")
    ),
    "id_sensor",
    "vlan",
    "state",
    "recording_paused",
    "started_at",
)


def ip_number(text):
    """IPv4 as the integer the sniffer sends (INET_ATON); IPv6 stays text."""
    if not text:
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return text
    return int(address) if address.version == 4 else text


def listcalls_row(state, tz_name="UTC"):
    tz = zoneinfo.ZoneInfo(tz_name)
    start = dt.datetime.fromtimestamp(state["calldate"], tz=dt.UTC)
    row = dict(state)
    row.update(
        calldate=start.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
        calldate_num=int(state["calldate"]),
        lastpackettime=int(state["lastpackettime"]),
        duration=int(state["duration"]),
        connect_duration=int(state["connect_duration"] or 0),
        callerip=ip_number(state["callerip"]),
        calledip=ip_number(state["calledip"]),
        rtp_src=state.get("src_rtp"),
        rtp_dst=state.get("dst_rtp"),
        callercodec=state.get("src_codec"),
        calledcodec=state.get("dst_codec"),
        started_at=start.isoformat().replace("+00:00", "Z"),
    )
    return {name: row.get(name) for name in FIELDS}
