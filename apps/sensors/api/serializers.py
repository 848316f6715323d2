from rest_framework import serializers

from apps.sensors.models import Sensor


class SensorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sensor
        fields = ("id", "id_sensor", "name", "timezone", "manager_host", "manager_port")
