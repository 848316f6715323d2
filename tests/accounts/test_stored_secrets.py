"""The LDAP bind password is encrypted at rest (Fernet, key derived from SECRET_KEY), written by a
migration for existing rows, and write-only in the admin."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from apps.accounts.models import TenantAuthConfig
from apps.accounts.secrets_field import secret_decrypt, secret_encrypt

pytestmark = pytest.mark.django_db
PLAIN = "bind-Pa55-secret"


def column(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT ldap_bind_password FROM accounts_tenantauthconfig WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_tokens_differ_each_time_and_read_back():
    first, second = secret_encrypt(PLAIN), secret_encrypt(PLAIN)
    assert first != second and PLAIN not in first
    assert secret_decrypt(first) == secret_decrypt(second) == PLAIN
    assert secret_encrypt("") == "" and secret_decrypt("") == ""


def test_an_old_secret_key_in_the_fallbacks_still_reads(settings):
    token = secret_encrypt(PLAIN)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-brand-new-secret-key-for-this-installation"
    assert secret_decrypt(token) == PLAIN


def test_a_changed_secret_key_reads_as_empty_and_says_why(settings, caplog):
    token = secret_encrypt(PLAIN)
    settings.SECRET_KEY = "a-brand-new-secret-key-for-this-installation"
    assert secret_decrypt(token) == "" and "SECRET_KEY_FALLBACKS" in caplog.text


def test_the_column_holds_no_plain_password(tenant_a):
    config = TenantAuthConfig.objects.create(tenant=tenant_a, ldap_bind_password=PLAIN)
    assert PLAIN not in column(config.pk)
    assert TenantAuthConfig.objects.get(pk=config.pk).ldap_bind_password == PLAIN


@pytest.fixture
def admin_client(client, db):
    from apps.users.models import User

    client.force_login(User.objects.create_superuser("root", "root@example.com", "x-Pa55-word"))
    return client


def admin_form(config, **changes):
    data = {
        "tenant": config.tenant_id,
        "default_group": "",
        "ldap_server_uri": "ldap://127.0.0.1:389",
        "ldap_user_filter": "(uid=%(user)s)",
        "ldap_group_filter": "(objectClass=groupOfNames)",
        "ldap_id_attribute": "entryUUID",
        "ldap_bind_password": "",
        "ldap_mappings-TOTAL_FORMS": "0",
        "ldap_mappings-INITIAL_FORMS": "0",
        "ldap_mappings-MIN_NUM_FORMS": "0",
        "ldap_mappings-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


def test_the_admin_never_shows_the_password_and_keeps_it_when_left_empty(admin_client, tenant_a):
    config = TenantAuthConfig.objects.create(tenant=tenant_a, ldap_bind_password=PLAIN)
    url = reverse("admin:accounts_tenantauthconfig_change", args=[config.pk])
    html = admin_client.get(url).content.decode()
    assert PLAIN not in html and column(config.pk) not in html and "A password is stored" in html
    assert admin_client.post(url, admin_form(config)).status_code == 302
    config.refresh_from_db()
    assert config.ldap_bind_password == PLAIN and config.ldap_server_uri == "ldap://127.0.0.1:389"


def test_the_admin_sets_and_clears_the_password(admin_client, tenant_a):
    config = TenantAuthConfig.objects.create(tenant=tenant_a, ldap_bind_password=PLAIN)
    url = reverse("admin:accounts_tenantauthconfig_change", args=[config.pk])
    admin_client.post(url, admin_form(config, ldap_bind_password="new-bind-pw"))
    config.refresh_from_db()
    assert config.ldap_bind_password == "new-bind-pw" and "new-bind-pw" not in column(config.pk)
    admin_client.post(url, admin_form(config, ldap_bind_password_clear="on"))
    config.refresh_from_db()
    assert config.ldap_bind_password == "" and "No password is stored" in admin_client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_plain_passwords(tenant_a):
    before, after = [("accounts", "0001_initial")], [("accounts", "0002_ldap_bind_password_encrypted")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("accounts", "TenantAuthConfig")
        pk = old.objects.create(tenant_id=tenant_a.pk, ldap_bind_password=PLAIN).pk
        assert column(pk) == PLAIN
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        assert column(pk).startswith("gAAAA") and secret_decrypt(column(pk)) == PLAIN
        executor = MigrationExecutor(connection)
        executor.migrate(before)  # and back
        assert column(pk) == PLAIN
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
