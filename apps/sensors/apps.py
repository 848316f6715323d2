from django.apps import AppConfig


class SensorsConfig(AppConfig):
    name = "apps.sensors"
    label = "sensors"
