"""The sniffer manager's AES key is encrypted at rest (Fernet, key derived from SECRET_KEY), written
by a migration for existing rows, write-only in the admin and absent from REST."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.secrets_field import secret_decrypt
from apps.accounts.services import apitoken_issue
from apps.sensors.models import Sensor
from apps.sensors.services import sensor_create
from apps.users.services import user_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
PLAIN = "0123456789abcdef"


def column(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT manager_aes_key FROM sensors_sensor WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_column_holds_no_plain_key_and_reads_back(tenant_a):
    sensor = sensor_create(tenant=tenant_a, id_sensor=7, name="sniffer", manager_host="10.0.0.1", manager_aes_key=PLAIN)
    stored = column(sensor.pk)
    assert PLAIN not in stored and stored.startswith("gAAAA") and secret_decrypt(stored) == PLAIN
    assert Sensor.objects.get(pk=sensor.pk).manager_aes_key == PLAIN


def test_rest_never_returns_the_key(tenant_a):
    sensor = sensor_create(tenant=tenant_a, id_sensor=7, name="sniffer", manager_host="10.0.0.1", manager_aes_key=PLAIN)
    admin = user_create(username="keyadmin", tenant=tenant_a, password=PASSWORD, is_admin=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {apitoken_issue(user=admin)}")
    for url in ("/api/v1/sensors/", f"/api/v1/sensors/{sensor.pk}/"):
        text = client.get(url).content.decode()
        assert PLAIN not in text and column(sensor.pk) not in text and "manager_aes_key" not in text


@pytest.fixture
def admin_client(client):
    from apps.users.models import User

    client.force_login(User.objects.create_superuser("root", "root@example.com", "x-Pa55-word"))
    return client


def admin_form(sensor, **changes):
    data = {
        "tenant": sensor.tenant_id,
        "id_sensor": sensor.id_sensor,
        "name": sensor.name,
        "timezone": "UTC",
        "manager_host": "10.0.0.1",
        "manager_port": "5029",
        "manager_aes_key": "",
        "manager_aes_iv": "",
        "hep_agent_id": "",
    }
    return {**data, **changes}


def test_the_admin_never_shows_the_key_and_keeps_it_when_left_empty(admin_client, tenant_a):
    sensor = sensor_create(tenant=tenant_a, id_sensor=7, name="sniffer", manager_host="10.0.0.1", manager_aes_key=PLAIN)
    url = reverse("admin:sensors_sensor_change", args=[sensor.pk])
    html = admin_client.get(url).content.decode()
    assert PLAIN not in html and column(sensor.pk) not in html and "A key is stored" in html
    assert admin_client.post(url, admin_form(sensor, name="renamed")).status_code == 302
    sensor.refresh_from_db()
    assert sensor.manager_aes_key == PLAIN and sensor.name == "renamed"
    admin_client.post(url, admin_form(sensor, manager_aes_key="fedcba9876543210"))
    sensor.refresh_from_db()
    assert sensor.manager_aes_key == "fedcba9876543210" and "fedcba9876543210" not in column(sensor.pk)
    admin_client.post(url, admin_form(sensor, manager_aes_key_clear="on"))
    sensor.refresh_from_db()
    assert sensor.manager_aes_key == "" and column(sensor.pk) == ""


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_plain_keys(tenant_a):
    before, after = [("sensors", "0004_manager_aes_iv")], [("sensors", "0005_manager_aes_key_encrypted")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("sensors", "Sensor")
        pk = old.objects.create(tenant_id=tenant_a.pk, id_sensor=9, name="old", manager_aes_key=PLAIN).pk
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
