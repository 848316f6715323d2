"""The management commands of the foundation, as an operator runs them."""

import pytest
from django.core.management import CommandError, call_command

from apps.cdr.models import Cdr
from apps.sensors.models import Sensor
from apps.tenants.models import Tenant
from apps.users.actor import actor_for_user
from apps.users.models import User

pytestmark = pytest.mark.django_db


def test_tenant_user_sensor_commands():
    call_command("tenant_create", "initech", "--name", "Initech", "--timezone", "America/New_York")
    tenant = Tenant.objects.get(slug="initech")
    assert tenant.timezone == "America/New_York"
    call_command("sensor_create", "--tenant", "initech", "--id", "7", "--name", "edge")
    assert Sensor.objects.get(tenant=tenant).id_sensor == 7
    call_command(
        "user_create",
        "peter",
        "--tenant",
        "initech",
        "--password",
        "pw-Long-1",
        "--flags",
        "can_cdr,can_pcap",
        "--sensors",
        "7",
    )
    user = User.objects.get(username="peter")
    actor = actor_for_user(user)
    assert actor.tenant_id == tenant.pk and actor.sensor_ids == (7,)
    assert actor.can("can_pcap") and not actor.can("can_audit")
    assert user.check_password("pw-Long-1")


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["tenant_create", "x y", "--name", "bad slug"], "slug"),
        (["tenant_create", "ok", "--name", "n", "--timezone", "Mars/Olympus"], "time zone"),
        (["user_create", "u", "--tenant", "missing", "--password", "p"], "not found"),
        (["sensor_create", "--tenant", "missing", "--id", "1", "--name", "n"], "not found"),
        (["cdr_seed", "--tenant", "missing", "--count", "5"], "not found"),
        (["cdr_seed", "--tenant", "missing", "--count", "0"], "positive"),
    ],
)
def test_commands_refuse_bad_input_clearly(args, fragment):
    with pytest.raises(CommandError, match=fragment):
        call_command(*args)


def test_user_create_refuses_unknown_flag_and_duplicate(tenant_a):
    with pytest.raises(CommandError, match="can_fly"):
        call_command("user_create", "u1", "--tenant", "acme", "--password", "p", "--flags", "can_cdr,can_fly")
    assert not User.objects.filter(username="u1").exists()
    call_command("user_create", "u2", "--tenant", "acme", "--password", "p")
    with pytest.raises(CommandError, match="taken"):
        call_command("user_create", "u2", "--tenant", "acme", "--password", "p")


def test_cdr_seed_generates_realistic_traffic(tenant_a, tenant_b):
    call_command("cdr_seed", "--tenant", "acme", "--count", "3000", "--days", "7", "--seed", "1", verbosity=0)
    calls = Cdr.objects.filter(tenant=tenant_a)
    assert calls.count() == 3000
    assert Cdr.objects.filter(tenant=tenant_b).count() == 0
    unanswered = calls.filter(connect_duration__isnull=True).count() / 3000
    assert 0.2 <= unanswered <= 0.4
    assert set(calls.values_list("id_sensor", flat=True)) == {1, 2}
    answered = calls.filter(connect_duration__isnull=False)
    assert answered.filter(a_mos_f2_mult10__lt=40).exists()  # a tail of bad calls
    assert answered.filter(a_mos_f2_mult10=45).count() > answered.count() / 2  # mostly clean
    assert calls.filter(caller__startswith="00").exists() and calls.filter(caller__startswith="420").exists()
    hours = [c.calldate.hour for c in calls.only("calldate")]
    assert sum(9 <= h <= 16 for h in hours) > sum(h <= 5 for h in hours) * 4  # day-shaped
    ids = list(calls.values_list("callid", flat=True))
    assert len(set(ids)) == len(ids)


def test_cdr_seed_puts_no_call_in_the_future(tenant_a):
    from django.utils import timezone

    call_command("cdr_seed", "--tenant", "acme", "--count", "2000", "--days", "2", "--seed", "3", verbosity=0)
    assert not Cdr.objects.filter(calldate__gt=timezone.now()).exists()


def test_cdr_seed_fills_ringing_time(tenant_a):
    call_command("cdr_seed", "--tenant", "acme", "--count", "500", "--days", "2", "--seed", "5", verbosity=0)
    calls = Cdr.objects.filter(tenant=tenant_a)
    assert not calls.filter(ringing_time__isnull=True).exists()
    assert calls.filter(ringing_time__gt=5).exists() and calls.filter(ringing_time__lt=5).exists()
