"""Flags come from the group, overridden per user; `is_admin` holds the granting ones inside its own
tenant; `custom_headers_cdr` limits the custom headers shown on REST and the legacy API."""

import json

import pytest

from apps.core.capabilities import GRANTING_FLAGS, RESTRICTING_FLAGS
from apps.users.actor import actor_for_user
from apps.users.models import UserGroup
from apps.users.services import user_create
from tests.conftest import PASSWORD

from .world import token_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("flag", GRANTING_FLAGS)
def test_each_flag_comes_from_the_group_and_a_user_override_wins(tenant_a, flag):
    group = UserGroup.objects.create(tenant=tenant_a, name=f"g-{flag}", **{flag: True})
    member = user_create(username=f"m-{flag}"[:150], tenant=tenant_a, password=PASSWORD, group=group)
    denied = user_create(
        username=f"d-{flag}"[:150], tenant=tenant_a, password=PASSWORD, group=group, flags={flag: False}
    )
    assert actor_for_user(member).can(flag)
    assert not actor_for_user(denied).can(flag)


def test_admin_holds_granting_flags_only_inside_its_tenant(world, client):
    actor = actor_for_user(world.admin_a)
    assert set(GRANTING_FLAGS) <= actor.flags and not actor.flags & RESTRICTING_FLAGS
    assert actor.tenant_id == world.tenant_a.pk
    body = token_client(world.admin_a).get("/api/v1/calls/").json()
    assert world.calls["foreign"].pk not in {row["id"] for row in body["results"]}


@pytest.fixture
def headed_call(tenant_a, make_call):
    return make_call(tenant_a, custom_headers={"X-Customer": "c-17", "X-Secret": "s-99"})


def test_custom_headers_are_limited_on_rest(tenant_a, headed_call):
    limited = user_create(
        username="hedy", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True}, custom_headers_cdr="X-Customer"
    )
    full = user_create(username="hugo", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True})
    row = token_client(limited).get(f"/api/v1/calls/{headed_call.pk}/").json()
    assert row["custom_headers"] == {"X-Customer": "c-17"}
    assert token_client(full).get(f"/api/v1/calls/{headed_call.pk}/").json()["custom_headers"]["X-Secret"] == "s-99"


def test_custom_headers_are_limited_on_the_legacy_api(tenant_a, headed_call, client):
    user_create(
        username="hedy", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True}, custom_headers_cdr="X-Customer"
    )
    params = {"startTime": "2024-01-01", "customHeaders": "X-Customer,X-Secret"}
    query = {"task": "getVoipCalls", "user": "hedy", "password": PASSWORD, "params": json.dumps(params)}
    row = client.get("/php/api.php", query).json()["cdr"][0]
    assert row.get("X-Customer") == "c-17" and "X-Secret" not in row
