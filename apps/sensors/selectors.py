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


def sensor_get_for_command(*, tenant, id_sensor):
    """A tenant's sensor by number, for management commands (which act as the tenant)."""
    from django.utils.translation import gettext as _

    from apps.core.actor import system_actor
    from apps.core.exceptions import NotFound

    sensor = Sensor.objects.visible_to(system_actor(tenant)).filter(id_sensor=id_sensor).first()
    if sensor is None:
        raise NotFound(_("Sensor %(id)s does not exist in this tenant.") % {"id": id_sensor})
    return sensor


def sensor_get(*, actor, sensor_id):
    """A sensor of the actor's tenant by its row id; another tenant's is 404."""
    from django.utils.translation import gettext as _

    from apps.core.bounds import id_or_none
    from apps.core.exceptions import NotFound

    try:
        return sensor_list(actor=actor).get(pk=id_or_none(sensor_id))
    except (Sensor.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Sensor %(id)s not found.") % {"id": sensor_id}) from None
