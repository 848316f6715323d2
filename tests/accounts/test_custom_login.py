"""The custom login hook (VOIPMON_CUSTOM_LOGIN): users created from its dict, unique ids, the CLI check."""

import io
import logging

import pytest
from django.core.management import call_command
from django.test import override_settings

from apps.users.models import User, UserGroup

from .helpers import page_text, sign_in, signed_in_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hook")]


@pytest.fixture
def hook():
    with override_settings(VOIPMON_CUSTOM_LOGIN="tests.accounts.hooks.custom_login"):
        yield


def test_hook_user_is_created_with_flags_and_restrictions(client, tenant_a):
    response = sign_in(client, "hana", "hana-pw", tenant="acme")
    assert response.status_code == 302
    user = User.objects.get(username="hana")
    assert (user.tenant, user.external_id, user.first_name, user.last_name) == (
        tenant_a,
        "custom:1001",
        "Hana",
        "Novak",
    )
    assert user.can_cdr is True and user.can_pcap is True and user.can_upload_pcap is None
    assert user.restrict_numbers == "420%" and not user.has_usable_password()
    assert signed_in_user(client).username == "hana"


def test_second_sign_in_updates_the_same_user_and_group(client, tenant_a):
    support = UserGroup.objects.create(tenant=tenant_a, name="support", can_cdr=True)
    sign_in(client, "ivan", "ivan-pw", tenant="acme")
    client.post("/accounts/logout/")
    sign_in(client, "ivan", "ivan-pw", tenant="acme")
    user = User.objects.get(username="ivan")
    assert User.objects.filter(external_id="custom:1002").count() == 1
    assert user.is_admin and user.group == support


def test_duplicate_id_for_another_user_name_is_refused_and_logged(client, tenant_a, caplog):
    sign_in(client, "hana", "hana-pw", tenant="acme")
    client.post("/accounts/logout/")
    with caplog.at_level(logging.ERROR, logger="voipmon.auth"):
        response = sign_in(client, "jiri", "jiri-pw", tenant="acme")
    assert response.status_code == 401 and not User.objects.filter(username="jiri").exists()
    assert "external id 'custom:1001' of tenant acme already belongs to user 'hana', not 'jiri'" in caplog.text
    assert "jiri-pw" not in caplog.text


def test_missing_id_is_refused(client, tenant_a, caplog):
    assert sign_in(client, "noid", "noid-pw", tenant="acme").status_code == 401
    assert not User.objects.filter(username="noid").exists() and "'id' is missing" in caplog.text


def test_blocked_by_the_hook_is_refused_with_the_reason(client, tenant_a):
    assert "on leave" in page_text(sign_in(client, "kara", "kara-pw", tenant="acme"))
    assert signed_in_user(client) is None


def test_wrong_password_and_broken_hook_create_nothing(client, tenant_a, caplog):
    assert sign_in(client, "hana", "nope", tenant="acme").status_code == 401
    with override_settings(VOIPMON_CUSTOM_LOGIN="tests.accounts.hooks.broken"):
        assert sign_in(client, "hana", "hana-pw", tenant="acme").status_code == 401
    assert not User.objects.filter(username="hana").exists()
    assert "custom_login hook failed for user 'hana'" in caplog.text and "hana-pw" not in caplog.text


def test_hook_is_not_used_by_the_legacy_api(client, tenant_a):
    sign_in(client, "hana", "hana-pw", tenant="acme")
    body = client.get("/php/api.php", {"task": "listCdrIds", "user": "hana", "password": "hana-pw"}).json()
    assert body["success"] is False and "Wrong user name or password" in body["error"]


def test_check_command_prints_what_the_hook_returned(monkeypatch, tenant_a):
    monkeypatch.setattr("sys.stdin", io.StringIO("hana-pw\n"))
    out = io.StringIO()
    call_command("custom_login_check", "hana", "--password-stdin", stdout=out)
    text = out.getvalue()
    assert '"id": 1001' in text and '"name": "Hana Novak"' in text and "custom:1001" in text
    assert not User.objects.filter(username="hana").exists()
    monkeypatch.setattr("sys.stdin", io.StringIO("bad\n"))
    call_command("custom_login_check", "hana", "--password-stdin", stdout=(out := io.StringIO()))
    assert "returned None" in out.getvalue()
