"""Every write of sensors. The tenant comes from the actor, never from input."""

import datetime as dt

from django.db import models, transaction
from django.utils.translation import gettext as _

from apps.core.actor import Actor, system_actor
from apps.core.exceptions import Conflict, InvalidInput

from .hepkey import hep_key_generate, hep_key_hash
from .models import Sensor

HEP_KEY_MIN = 8


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


@transaction.atomic
def sensor_hep_enable(*, sensor, agent_id, key=None):
    """Give a sensor a HEP agent id and a key; returns the key in clear (shown once, never stored)."""
    if agent_id is None or not 0 < int(agent_id) < 2**32:
        raise InvalidInput(_("The HEP agent id must be a number between 1 and 4294967295."))
    if Sensor.objects.filter(hep_agent_id=agent_id).exclude(pk=sensor.pk).exists():
        raise InvalidInput(_("HEP agent id %(id)s is already used by another sensor.") % {"id": agent_id})
    if key is not None and len(key) < HEP_KEY_MIN:
        raise InvalidInput(_("The HEP key must have at least %(n)s characters.") % {"n": HEP_KEY_MIN})
    key = key or hep_key_generate()
    sensor.hep_agent_id = int(agent_id)
    sensor.hep_key_hash = hep_key_hash(key)
    sensor.save(update_fields=["hep_agent_id", "hep_key_hash"])
    return key


def sensor_hep_counters_add(*, counts):
    """Add a listener's last second to each sensor: {sensor pk: (packets, bytes, {reason: n}, last ts)}."""
    for pk, (packets, nbytes, drops, last) in counts.items():
        with transaction.atomic():
            sensor = Sensor.objects.select_for_update().filter(pk=pk).first()
            if sensor is None:
                continue
            merged = dict(sensor.hep_drops or {})
            for reason, n in drops.items():
                merged[reason] = merged.get(reason, 0) + n
            changes = {
                "hep_packets": models.F("hep_packets") + packets,
                "hep_bytes": models.F("hep_bytes") + nbytes,
                "hep_drops": merged,
            }
            if last is not None:
                changes["hep_last_packet_at"] = dt.datetime.fromtimestamp(last, tz=dt.UTC)
            Sensor.objects.filter(pk=pk).update(**changes)


def sensor_hep_key_issue(*, actor, sensor, agent_id):
    """A tenant administrator gives one of the tenant's sensors a HEP agent id and a new generated key;
    the key is returned in clear once (only its hash is kept)."""
    actor.require_admin()
    if sensor.tenant_id != actor.tenant_id:
        raise InvalidInput(_("This sensor is not of your tenant."))
    return sensor_hep_enable(sensor=sensor, agent_id=agent_id)
