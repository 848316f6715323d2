from rest_framework import serializers

from apps.sensors.models import Sensor


class SensorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sensor
        fields = ("id", "id_sensor", "name", "timezone", "manager_host", "manager_port", "hep_agent_id", "hep_packets",
                  "hep_bytes", "hep_drops", "hep_last_packet_at")
        read_only_fields = ("hep_agent_id", "hep_packets", "hep_bytes", "hep_drops", "hep_last_packet_at")
