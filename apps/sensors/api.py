from rest_framework import serializers

from apps.core.api.views import ScopedModelViewSet

from .models import Sensor
from .selectors import sensor_list
from .services import sensor_create, sensor_delete, sensor_update


class SensorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sensor
        fields = ("id", "id_sensor", "name", "timezone", "manager_host", "manager_port", "hep_agent_id", "hep_packets",
                  "hep_bytes", "hep_drops", "hep_last_packet_at")
        read_only_fields = ("hep_agent_id", "hep_packets", "hep_bytes", "hep_drops", "hep_last_packet_at")


class SensorViewSet(ScopedModelViewSet):
    """Your tenant's sensors; administrators create and change them. The AES key is never shown."""

    serializer_class = SensorSerializer
    admin_writes = True

    def get_queryset(self):
        return sensor_list(actor=self.actor)

    def perform_create(self, serializer):
        serializer.instance = sensor_create(actor=self.actor, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = sensor_update(actor=self.actor, sensor=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        sensor_delete(actor=self.actor, sensor=instance)
