"""LDAP sign-in against a real OpenLDAP slapd: users created on first sign-in with a stable id, groups
mapped to a voipmon group and is_admin, a server that is down, and what is refused."""

import shutil

import pytest
from django.db import connection

from apps.accounts.models import LdapGroupMapping, TenantAuthConfig
from apps.tenants.models import TenantHost
from apps.users.models import User, UserGroup

from .helpers import page_text, sign_in, signed_in_user
from .slapd import ADMIN_DN, ADMIN_PW, SUFFIX, Slapd

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("slapd") is None and not shutil.os.path.exists("/usr/sbin/slapd"), reason="needs slapd"
    ),
]


@pytest.fixture(scope="session")
def slapd(tmp_path_factory):
    server = Slapd(tmp_path_factory.mktemp("slapd")).start()
    yield server
    server.stop()


@pytest.fixture
def ldap_config(tenant_a, slapd):
    support = UserGroup.objects.create(tenant=tenant_a, name="support", can_cdr=True)
    config = TenantAuthConfig.objects.create(
        tenant=tenant_a,
        ldap_enabled=True,
        ldap_server_uri=slapd.uri,
        ldap_bind_dn=ADMIN_DN,
        ldap_bind_password=ADMIN_PW,
        ldap_user_search_base=f"ou=people,{SUFFIX}",
        ldap_group_search_base=f"ou=groups,{SUFFIX}",
    )
    LdapGroupMapping.objects.create(config=config, ldap_group_dn=f"cn=voip-admins,ou=groups,{SUFFIX}", is_admin=True)
    LdapGroupMapping.objects.create(config=config, ldap_group_dn=f"cn=voip-support,ou=groups,{SUFFIX}", group=support)
    return config


def test_first_sign_in_creates_the_user_with_a_stable_id_and_mapped_groups(client, ldap_config, slapd, tenant_a):
    response = sign_in(client, "lena", "lena-pw", tenant="acme")
    assert response.status_code == 302, page_text(response)
    lena = User.objects.get(username="lena")
    assert lena.tenant == tenant_a and lena.external_id == f"ldap:{slapd.entry_uuid('lena')}"
    assert (lena.first_name, lena.last_name, lena.email) == ("Lena", "Horakova", "lena@example.com")
    assert lena.is_admin and lena.group.name == "support" and not lena.has_usable_password()
    assert signed_in_user(client).username == "lena"


def test_second_sign_in_finds_the_same_user(client, ldap_config):
    sign_in(client, "marek", "marek-pw", tenant="acme")
    client.post("/accounts/logout/")
    assert sign_in(client, "marek", "marek-pw", tenant="acme").status_code == 302
    marek = User.objects.get(username="marek")
    assert User.objects.filter(external_id=marek.external_id).count() == 1
    assert not marek.is_admin and marek.group.name == "support"


def test_wrong_ldap_password_is_refused_and_creates_nothing(client, ldap_config):
    response = sign_in(client, "lena", "nope", tenant="acme")
    assert response.status_code == 401 and "Wrong user name or password" in page_text(response)
    assert not User.objects.filter(username="lena").exists()


def test_ldap_is_only_tried_on_the_tenants_page(client, ldap_config):
    assert sign_in(client, "lena", "lena-pw").status_code == 401
    assert not User.objects.filter(username="lena").exists()


def test_an_ldap_user_whose_name_belongs_to_another_account_is_refused(client, ldap_config, tenant_b, caplog):
    User.objects.create(username="olga", tenant=tenant_b, external_id="ldap:someone-else")
    response = sign_in(client, "olga", "olga-pw", tenant="acme")
    assert response.status_code == 401 and "cannot sign in here" in page_text(response)
    assert "user name 'olga' is taken by another account" in caplog.text
    assert User.objects.filter(username="olga").count() == 1


def test_ldap_users_cannot_use_the_legacy_api(client, ldap_config):
    sign_in(client, "lena", "lena-pw", tenant="acme")
    body = client.get("/php/api.php", {"task": "listCdrIds", "user": "lena", "password": "lena-pw"}).json()
    assert body["success"] is False


def test_server_down_says_so_and_local_accounts_still_work(client, ldap_config, user_a, caplog):
    ldap_config.ldap_server_uri = "ldap://127.0.0.1:9"  # discard port: nothing listens
    ldap_config.save()
    response = sign_in(client, "lena", "lena-pw", tenant="acme")
    assert response.status_code == 401 and "cannot be reached" in page_text(response)
    assert not User.objects.filter(username="lena").exists()
    assert "unreachable" in caplog.text
    assert sign_in(client, "arthur", tenant="acme").status_code == 302


def test_the_shipped_example_hook_works_against_the_directory(slapd, monkeypatch):
    import importlib.util
    from pathlib import Path

    monkeypatch.setenv("CUSTOM_LOGIN_LDAP_URI", slapd.uri)
    path = Path(__file__).resolve().parents[2] / "docs" / "custom_login_example.py"
    spec = importlib.util.spec_from_file_location("custom_login_example", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    result = example.custom_login("lena", "lena-pw")
    assert result["id"] == 5001 and result["email"] == "lena@example.com" and result["name"] == "Lena Horakova"
    assert example.custom_login("lena", "wrong") is None and example.custom_login("lena", "") is None
    assert example.custom_login("nobody", "x") is None


def stored_bind_password(config):
    with connection.cursor() as cursor:
        cursor.execute("SELECT ldap_bind_password FROM accounts_tenantauthconfig WHERE id = %s", [config.pk])
        return cursor.fetchone()[0]


def test_bind_password_is_encrypted_at_rest_and_sign_in_still_binds(client, ldap_config):
    column = stored_bind_password(ldap_config)
    assert ADMIN_PW not in column and column.startswith("gAAAA")  # a Fernet token
    assert TenantAuthConfig.objects.get(pk=ldap_config.pk).ldap_bind_password == ADMIN_PW
    assert sign_in(client, "lena", "lena-pw", tenant="acme").status_code == 302


def test_a_wrong_bind_password_is_a_refusal_not_a_crash(client, ldap_config):
    ldap_config.ldap_bind_password = "not-the-bind-password"
    ldap_config.save()
    assert sign_in(client, "lena", "lena-pw", tenant="acme").status_code == 401
    assert not User.objects.filter(username="lena").exists()


def test_sign_in_on_the_tenants_host_uses_its_directory(client, ldap_config, tenant_a, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "voip.acme.example"]
    TenantHost.objects.create(tenant=tenant_a, host="voip.acme.example")
    response = sign_in(client, "lena", "lena-pw", meta={"HTTP_HOST": "voip.acme.example"})
    assert response.status_code == 302, page_text(response)
    assert User.objects.get(username="lena").tenant == tenant_a
