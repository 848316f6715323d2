from rest_framework import serializers

from apps.live.rows import FIELDS

NUMBERS = {"calldate_num", "lastpackettime", "duration", "connect_duration", "lastSIPresponseNum", "id_sensor", "vlan"}


class ActiveCallSerializer(serializers.Serializer):
    """A call in progress: the sniffer's listcalls fields plus state, recording_paused and started_at."""

    def to_representation(self, instance):
        return instance

    def get_fields(self):
        fields = {}
        for name in FIELDS:
            if name in NUMBERS:
                fields[name] = serializers.IntegerField(read_only=True, allow_null=True)
            elif name == "recording_paused":
                fields[name] = serializers.BooleanField(read_only=True)
            elif name.startswith(("src_", "dst_")):
                fields[name] = serializers.FloatField(read_only=True, allow_null=True)
            else:
                fields[name] = serializers.CharField(read_only=True, allow_null=True)
        return fields


class ActiveCallCommandSerializer(serializers.Serializer):
    command = serializers.CharField(read_only=True)
    callreference = serializers.CharField(read_only=True)
    requested_at = serializers.DateTimeField(read_only=True)
