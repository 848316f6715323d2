"""visible_to(actor): tenant, sensor list, number / domain / IP / VLAN restrictions."""

import pytest

from apps.cdr.models import Cdr
from apps.core.actor import Actor, Restrictions
from apps.users.actor import actor_for_user
from apps.users.services import user_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def visible_ids(actor):
    return sorted(Cdr.objects.visible_to(actor).values_list("id", flat=True))


@pytest.fixture
def calls(tenant_a, tenant_b, make_call):
    return {
        "prague": make_call(
            tenant_a,
            caller="420601",
            called="420700",
            caller_domain="a.example",
            sipcallerip="10.1.2.3",
            sipcalledip="192.0.2.1",
            vlan=10,
        ),
        "london": make_call(
            tenant_a,
            caller="44200",
            called="420601",
            called_domain="b.example",
            sipcallerip="192.0.2.9",
            sipcalledip="10.9.9.9",
            vlan=20,
        ),
        "other": make_call(
            tenant_a, caller="1555", called="1666", sipcallerip="203.0.113.5", sipcalledip="2001:db8::5", id_sensor=2
        ),
        "foreign": make_call(tenant_b, caller="420601", called="420700"),
    }


def actor_a(tenant, **kw):
    return Actor(tenant_id=tenant.pk, flags=frozenset({"can_cdr"}), **kw)


def test_actor_without_tenant_sees_nothing(calls):
    assert visible_ids(Actor(tenant_id=None)) == []


def test_tenant_scope(tenant_a, calls):
    assert visible_ids(actor_a(tenant_a)) == sorted(c.pk for k, c in calls.items() if k != "foreign")


@pytest.mark.parametrize(
    "restrictions,expected",
    [
        (Restrictions(numbers=("420601",)), {"prague", "london"}),
        (Restrictions(numbers=("4206%",)), {"prague", "london"}),
        (Restrictions(numbers=("420601",), both_sides=True), set()),
        (Restrictions(numbers=("420%",), both_sides=True), {"prague"}),
        (Restrictions(domains=("b.example",)), {"london"}),
        (Restrictions(ips=("10.0.0.0/8",)), {"prague", "london"}),
        (Restrictions(ips=("10.0.0.0/8",), both_sides=True), set()),
        (Restrictions(ips=("2001:db8::/32",)), {"other"}),
        (Restrictions(ips=("192.0.2.9",)), {"london"}),
        (Restrictions(vlans=(20,)), {"london"}),
        (Restrictions(numbers=("420601",), vlans=(10,)), {"prague"}),
    ],
)
def test_restrictions_narrow_what_is_visible(tenant_a, calls, restrictions, expected):
    assert visible_ids(actor_a(tenant_a, restrictions=restrictions)) == sorted(calls[k].pk for k in expected)


def test_sensor_list(tenant_a, calls):
    assert visible_ids(actor_a(tenant_a, sensor_ids=(2,))) == [calls["other"].pk]


def test_actor_for_user_carries_the_users_rules(tenant_a, calls):
    user = user_create(
        username="nina",
        tenant=tenant_a,
        password=PASSWORD,
        flags={"can_cdr": True},
        restrict_numbers="44200,\n1555",
        sensors=[1],
    )
    assert visible_ids(actor_for_user(user)) == [calls["london"].pk]


def test_group_flags_with_user_override(tenant_a):
    from apps.users.models import UserGroup

    group = UserGroup.objects.create(tenant=tenant_a, name="support", can_cdr=True, can_pcap=True)
    user = user_create(username="gus", tenant=tenant_a, password=PASSWORD, group=group, flags={"can_pcap": False})
    actor = actor_for_user(user)
    assert actor.can("can_cdr") and not actor.can("can_pcap")


def test_admin_holds_granting_flags_not_restricting_ones(tenant_a, admin_a):
    actor = actor_for_user(admin_a)
    assert actor.can("can_pcap") and actor.can("can_upload_pcap")
    assert not actor.can("no_rtp")
