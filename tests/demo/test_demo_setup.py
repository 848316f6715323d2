"""`make run`'s demo: tenant demo, user demo / demo with every capability, seeded calls and the public captures."""

import pytest
from django.core.management import call_command

from apps.cdr.models import Cdr
from apps.core.capabilities import GRANTING_FLAGS
from apps.users.actor import actor_for_user
from apps.users.models import User
from tests.conftest import SHARED

pytestmark = pytest.mark.django_db


def test_demo_setup_is_complete_and_idempotent(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo_setup", "--calls", "300", verbosity=0)
    user = User.objects.get(username="demo")
    assert user.check_password("demo")
    actor = actor_for_user(user)
    assert actor.is_admin and set(GRANTING_FLAGS) <= actor.flags
    seeded = Cdr.objects.filter(tenant=user.tenant, callid__startswith="seed-").count()
    captured = Cdr.objects.filter(tenant=user.tenant).exclude(callid__startswith="seed-").count()
    assert seeded == 300
    if (SHARED / "captures").is_dir():
        assert captured >= 10  # every call of the public captures
        first = Cdr.objects.filter(tenant=user.tenant).order_by("id").first()
        assert first.pcap_full, "the tour's first call ids are real calls with pcaps"
    call_command("demo_setup", "--calls", "300", verbosity=0)
    assert Cdr.objects.filter(tenant=user.tenant).count() == seeded + captured
