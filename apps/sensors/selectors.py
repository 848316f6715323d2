from .models import Sensor


def sensor_list(*, actor):
    return Sensor.objects.visible_to(actor)
