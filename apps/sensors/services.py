"""Every write of sensors. The tenant comes from the actor, never from input."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.actor import Actor, system_actor
from apps.core.exceptions import Conflict

from .models import Sensor


@transaction.atomic
def sensor_create(*, actor=None, tenant=None, id_sensor, name, timezone="UTC", **extra):
    """Create a sensor in the actor's tenant (commands, which have no actor, pass the tenant)."""
    if actor is not None:
        actor.require_admin()
        tenant_id = actor.tenant_id
    else:
        tenant_id = tenant.pk
    if Sensor.objects.visible_to(Actor(tenant_id=tenant_id)).filter(id_sensor=id_sensor).exists():
        raise Conflict(_("Sensor %(id)s already exists in this tenant.") % {"id": id_sensor})
    sensor = Sensor(tenant_id=tenant_id, id_sensor=id_sensor, name=name, timezone=timezone, **extra)
    sensor.full_clean()
    sensor.save()
    return sensor


@transaction.atomic
def sensor_update(*, actor, sensor, **fields):
    actor.require_admin()
    new_number = fields.get("id_sensor", sensor.id_sensor)
    clash = Sensor.objects.visible_to(actor).filter(id_sensor=new_number).exclude(pk=sensor.pk).exists()
    if clash:
        raise Conflict(_("Sensor %(id)s already exists in this tenant.") % {"id": new_number})
    for name, value in fields.items():
        setattr(sensor, name, value)
    sensor.full_clean()
    sensor.save()
    return sensor


@transaction.atomic
def sensor_delete(*, actor, sensor):
    actor.require_admin()
    sensor.delete()


def sensor_ensure_default(*, tenant):
    """The tenant's sensors, creating sensor 1 when it has none (seeding and imports need one)."""
    sensors = list(Sensor.objects.visible_to(system_actor(tenant)))
    if not sensors:
        sensors = [sensor_create(tenant=tenant, id_sensor=1, name=_("Default sensor"))]
    return sensors
