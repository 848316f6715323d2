from .models import Sensor


def sensor_list(*, actor):
    return Sensor.objects.visible_to(actor)


def sensors_hep_enabled():
    """Every sensor that receives HEP, across tenants: the listener maps agent ids before any actor exists.

    Returns {agent id: (sensor pk, tenant id, id_sensor, key hash)}."""
    rows = Sensor.objects.filter(hep_agent_id__isnull=False).values_list(
        "hep_agent_id", "pk", "tenant_id", "id_sensor", "hep_key_hash"
    )
    return {agent: (pk, tenant_id, id_sensor, key_hash) for agent, pk, tenant_id, id_sensor, key_hash in rows}
