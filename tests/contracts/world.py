"""The data every contract case runs against: two tenants, calls inside and outside a restriction,
a restricted user, and helpers that make a user lacking exactly one capability.

Restricted user `rhea` of tenant A: sensor 1 only, numbers `420601%` only, every granting flag.
"""

from dataclasses import dataclass, field

import pytest

from apps.accounts.services import apitoken_issue
from apps.core.capabilities import GRANTING_FLAGS
from apps.users.services import user_create
from tests.conftest import PASSWORD


@dataclass
class World:
    tenant_a: object
    tenant_b: object
    admin_a: object  # tenant administrator: holds every granting flag inside tenant A
    restricted: object
    calls: dict
    sensors: dict
    extra: dict = field(default_factory=dict)  # objects made by OBJECT_MAKERS, cached per test
    users: dict = field(default_factory=dict)

    def lacking(self, flag):
        """A user of tenant A with every granting flag but `flag` ("admin": every flag, not an administrator)."""
        if flag not in self.users:
            flags = {f: True for f in GRANTING_FLAGS if f != flag}
            if flag in GRANTING_FLAGS:
                flags[flag] = False
            self.users[flag] = user_create(
                username=f"no-{flag}".replace("_", "-")[:150], tenant=self.tenant_a, password=PASSWORD, flags=flags
            )
        return self.users[flag]

    # what the restricted user may and may not see, per kind of object
    def visible(self, kind):
        return {"call": {self.calls["inside"].pk}, "sensor": {self.sensors["a1"].pk}}.get(kind, set())

    def foreign(self, kind):
        return {"call": {self.calls["foreign"].pk}, "sensor": {self.sensors["b1"].pk}}.get(kind, set())

    def hidden(self, kind):
        return {
            "call": {self.calls[k].pk for k in ("out_number", "out_sensor", "foreign")},
            "sensor": {self.sensors["a2"].pk, self.sensors["b1"].pk},
        }.get(kind, set())


@pytest.fixture
def world(tenant_a, tenant_b, make_call):
    from apps.sensors.models import Sensor

    calls = {
        "inside": make_call(tenant_a, caller="420601111", called="420602222", id_sensor=1),
        "out_number": make_call(tenant_a, caller="1555", called="1666", id_sensor=1),
        "out_sensor": make_call(tenant_a, caller="420601333", called="420602444", id_sensor=2),
        "foreign": make_call(tenant_b, caller="420601111", called="420602222", id_sensor=1),
    }
    sensors = {
        "a1": Sensor.objects.get(tenant=tenant_a, id_sensor=1),
        "a2": Sensor.objects.get(tenant=tenant_a, id_sensor=2),
        "b1": Sensor.objects.get(tenant=tenant_b, id_sensor=1),
    }
    active_calls_mirror(calls)
    admin = user_create(username="ada", tenant=tenant_a, password=PASSWORD, is_admin=True)
    restricted = user_create(
        username="rhea",
        tenant=tenant_a,
        password=PASSWORD,
        flags=dict.fromkeys(GRANTING_FLAGS, True),
        sensors=[1],
        restrict_numbers="420601%",
    )
    return World(tenant_a, tenant_b, admin, restricted, calls, sensors)


def active_call_ref(call):
    return f"0x{call.pk:012x}"


def active_calls_mirror(calls):
    """Each world call also in progress (live capture), with the same parties, sensor and Call-ID."""
    import datetime as dt

    from django.utils import timezone

    from apps.live.models import ActiveCall

    fresh = timezone.now() + dt.timedelta(days=1)  # stays "refreshed" however slow the test machine
    for call in calls.values():
        state = {"callreference": active_call_ref(call), "callid": call.callid, "calldate": call.calldate.timestamp(),
                 "lastpackettime": call.calldate.timestamp(), "duration": 1.0, "connect_duration": 0,
                 "caller": call.caller, "called": call.called, "callername": "", "callerdomain": "",
                 "calleddomain": "", "calleragent": "", "calledagent": "", "callerip": call.sipcallerip,
                 "calledip": call.sipcalledip, "lastSIPresponseNum": 100, "vlan": None, "state": "trying",
                 "recording_paused": False, "pauses": []}
        ActiveCall.objects.create(tenant_id=call.tenant_id, id_sensor=call.id_sensor, callref=state["callreference"],
                                  callid=call.callid, calldate=call.calldate, caller=call.caller, called=call.called,
                                  sipcallerip=call.sipcallerip, sipcalledip=call.sipcalledip, state=state,
                                  updated_at=fresh)


def token_client(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {apitoken_issue(user=user)}")
    return client
