"""REST tenants, users and sensors: your own tenant only, administrators for writes, 404 across tenants."""

import pytest
from rest_framework.test import APIClient

from apps.accounts.services import apitoken_issue
from apps.users.models import UserGroup
from apps.users.services import user_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {apitoken_issue(user=user)}")
    return client


def test_tenant_list_shows_only_your_tenant(tenant_a, tenant_b, user_a):
    body = api(user_a).get("/api/v1/tenants/").json()
    assert [t["slug"] for t in body["results"]] == ["acme"]
    assert api(user_a).get(f"/api/v1/tenants/{tenant_b.pk}/").status_code == 404


def test_only_a_tenant_admin_changes_the_tenant(tenant_a, admin_a, user_a):
    denied = api(user_a).patch(f"/api/v1/tenants/{tenant_a.pk}/", {"name": "Hijacked"}, format="json")
    assert denied.status_code == 403
    ok = api(admin_a).patch(f"/api/v1/tenants/{tenant_a.pk}/", {"timezone": "Europe/Berlin"}, format="json")
    assert ok.status_code == 200 and ok.json()["timezone"] == "Europe/Berlin"
    bad = api(admin_a).patch(f"/api/v1/tenants/{tenant_a.pk}/", {"timezone": "Moon/Base"}, format="json")
    assert bad.status_code == 400


def test_users_are_managed_by_tenant_admins_only(tenant_a, tenant_b, admin_a, user_a, user_b):
    assert api(user_a).get("/api/v1/users/").status_code == 403
    names = [u["username"] for u in api(admin_a).get("/api/v1/users/").json()["results"]]
    assert names == sorted(["alice", "arthur"])
    assert api(admin_a).get(f"/api/v1/users/{user_b.pk}/").status_code == 404
    me = api(user_a).get("/api/v1/users/me/").json()
    assert me["username"] == "arthur" and me["effective_flags"] == ["can_cdr"] and "password" not in me


def test_admin_creates_a_user_in_their_own_tenant(tenant_a, admin_a):
    created = api(admin_a).post(
        "/api/v1/users/", {"username": "newbie", "password": "Long-enough-pass-1", "can_cdr": True}, format="json"
    )
    assert created.status_code == 201, created.content
    from apps.users.models import User

    user = User.objects.get(username="newbie")
    assert user.tenant_id == tenant_a.pk and user.check_password("Long-enough-pass-1")


def test_user_cannot_join_another_tenants_group(tenant_a, tenant_b, admin_a, user_a):
    foreign = UserGroup.objects.create(tenant=tenant_b, name="theirs")
    response = api(admin_a).patch(f"/api/v1/users/{user_a.pk}/", {"group": foreign.pk}, format="json")
    assert response.status_code == 400 and "group" in response.json()


def test_sensors_are_scoped_and_admin_written(tenant_a, tenant_b, admin_a, user_a, restricted_a):
    assert [s["id_sensor"] for s in api(user_a).get("/api/v1/sensors/").json()["results"]] == [1, 2]
    assert [s["id_sensor"] for s in api(restricted_a).get("/api/v1/sensors/").json()["results"]] == [2]
    assert "manager_aes_key" not in api(user_a).get("/api/v1/sensors/").json()["results"][0]
    denied = api(user_a).post("/api/v1/sensors/", {"id_sensor": 5, "name": "x"}, format="json")
    assert denied.status_code == 403
    created = api(admin_a).post("/api/v1/sensors/", {"id_sensor": 5, "name": "edge"}, format="json")
    assert created.status_code == 201
    clash = api(admin_a).post("/api/v1/sensors/", {"id_sensor": 5, "name": "again"}, format="json")
    assert clash.status_code == 409 and "already exists" in clash.json()["detail"]
    other = user_create(username="bert", tenant=tenant_b, password=PASSWORD, is_admin=True)
    foreign_id = api(other).get("/api/v1/sensors/").json()["results"][0]["id"]
    assert api(admin_a).get(f"/api/v1/sensors/{foreign_id}/").status_code == 404
    assert api(admin_a).delete(f"/api/v1/sensors/{foreign_id}/").status_code == 404


@pytest.mark.parametrize("weak", ["short1", "password123", "12345678901", "qwertyuiop"])
def test_an_admin_changing_a_password_is_held_to_the_validators(admin_a, user_a, weak):
    """Django's validators are the oracle: what they refuse, PATCH refuses, and the old password stays."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(weak, user_a)
    response = api(admin_a).patch(f"/api/v1/users/{user_a.pk}/", {"password": weak}, format="json")
    assert response.status_code == 400, response.content
    user_a.refresh_from_db()
    assert user_a.check_password(PASSWORD) and not user_a.check_password(weak)
    good = api(admin_a).patch(f"/api/v1/users/{user_a.pk}/", {"password": "Long-enough-pass-1"}, format="json")
    assert good.status_code == 200
    user_a.refresh_from_db()
    assert user_a.check_password("Long-enough-pass-1")
