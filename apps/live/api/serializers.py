from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.live.rows import FIELDS

# The types of the sniffer's listcalls answer (apps/live/rows.py makes the row), field by field.
INTEGERS = {"calldate_num", "lastpackettime", "duration", "connect_duration", "lastSIPresponseNum", "id_sensor"}
NULLABLE_INTEGERS = {"vlan", "callercodec", "calledcodec"}  # no VLAN tag; no RTP yet (a VoIPmonitor codec code)
ADDRESSES = {"callerip", "calledip"}
NULLABLE_TEXT = {"rtp_src", "rtp_dst"}  # "addr:port -> addr:port" once RTP is seen
STATES = ("trying", "ringing", "connected", "terminating")


@extend_schema_field(
    {
        "oneOf": [{"type": "integer", "minimum": 0}, {"type": "string"}],
        "nullable": True,
        "description": "IPv4 as the integer the sniffer sends (INET_ATON), IPv6 as text.",
    }
)
class AddressField(serializers.ReadOnlyField):
    pass


def active_call_field(name):
    if name in INTEGERS:
        return serializers.IntegerField(read_only=True)
    if name in NULLABLE_INTEGERS:
        return serializers.IntegerField(read_only=True, allow_null=True)
    if name in ADDRESSES:
        return AddressField()
    if name in NULLABLE_TEXT:
        return serializers.CharField(read_only=True, allow_null=True)
    if name.startswith(("src_", "dst_")):  # running quality per side: null until that side has RTP
        return serializers.FloatField(read_only=True, allow_null=True)
    if name == "recording_paused":
        return serializers.BooleanField(read_only=True)
    if name == "state":
        return serializers.ChoiceField(STATES, read_only=True)
    if name == "started_at":
        return serializers.DateTimeField(read_only=True)
    return serializers.CharField(read_only=True)  # call reference, Call-ID, local calldate, parties, agents


class ActiveCallSerializer(serializers.Serializer):
    """A call in progress: the sniffer's listcalls fields plus state, recording_paused and started_at."""

    def to_representation(self, instance):
        return instance

    def get_fields(self):
        return {name: active_call_field(name) for name in FIELDS}


class ActiveCallCommandSerializer(serializers.Serializer):
    command = serializers.CharField(read_only=True)
    callreference = serializers.CharField(read_only=True)
    requested_at = serializers.DateTimeField(read_only=True)
