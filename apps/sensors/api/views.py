from apps.core.api.views import ScopedModelViewSet
from apps.sensors.selectors import sensor_list
from apps.sensors.services import sensor_create, sensor_delete, sensor_update

from .serializers import SensorSerializer


class SensorViewSet(ScopedModelViewSet):
    """Your tenant's sensors; administrators create and change them. The AES key is never shown."""

    serializer_class = SensorSerializer
    admin_writes = True
    error_statuses = dict.fromkeys(("create", "update", "partial_update"), (409,))  # a sensor number in use

    def get_queryset(self):
        return sensor_list(actor=self.actor)

    def perform_create(self, serializer):
        serializer.instance = sensor_create(actor=self.actor, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = sensor_update(actor=self.actor, sensor=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        sensor_delete(actor=self.actor, sensor=instance)
