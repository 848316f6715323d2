"""The admin is for verified platform superusers only: no tenant user, not even a staff tenant
administrator, reaches any admin page, so none can list another tenant's rows there."""

import pytest
from django.contrib import admin
from django.urls import reverse

from apps.users.services import user_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def changelists():
    return [reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist") for m in admin.site._registry]


@pytest.fixture
def superuser(db):
    from apps.users.models import User

    return User.objects.create_superuser("root", "root@example.com", PASSWORD)


def test_every_registered_model_refuses_a_staff_tenant_admin(client, world):
    staff_admin = world.admin_a
    staff_admin.is_staff = True
    staff_admin.save()
    client.force_login(staff_admin)
    pages = [reverse("admin:index"), *changelists()]
    assert len(pages) > 5
    for url in pages:
        response = client.get(url)
        assert response.status_code in (302, 403), (url, response.status_code)
        assert b"globex" not in response.content


def test_superuser_reaches_every_changelist(client, world, superuser):
    client.force_login(superuser)
    for url in changelists():
        assert client.get(url).status_code == 200, url


def test_admin_login_goes_through_the_sign_in_page(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_blocked_superuser_is_signed_out(client, superuser):
    superuser.blocked, superuser.blocked_reason = True, "left the company"
    superuser.save()
    client.force_login(superuser)
    response = client.get(reverse("admin:index"), follow=True)
    assert b"left the company" in response.content
    assert not response.wsgi_request.user.is_authenticated


def test_superuser_with_2fa_must_verify_before_the_admin(client, superuser):
    superuser.req_2fa = True
    superuser.save()
    client.force_login(superuser)
    response = client.get(reverse("admin:users_user_changelist"))
    assert response.status_code == 302 and reverse("accounts:twofactor-verify") in response["Location"]


def test_tenant_user_cannot_be_made_to_see_rows_by_url(client, world):
    user = user_create(username="sneaky", tenant=world.tenant_a, password=PASSWORD, is_admin=True)
    user.is_staff = True
    user.save()
    client.force_login(user)
    other = world.calls["foreign"].pk
    response = client.get(reverse("admin:cdr_cdr_change", args=[other]))
    assert response.status_code in (302, 403)
