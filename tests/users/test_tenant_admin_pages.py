"""Tenant administration pages through the test client: what an administrator posts is what is stored
(oracle: the rows), the refusals of the services come back as the form's message, and a blocked user
or one who must use 2FA is treated so at their next request."""

import re

import pytest

from apps.capture.services import capture_settings_for
from apps.core.capabilities import CAPABILITY_FLAGS
from apps.users.models import User, UserGroup
from apps.users.services import user_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def form_values(html):
    """The values a browser would send for the form on the page (inputs, checked boxes, selected options)."""
    values = []
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or "disabled" in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if kind and kind.group(1) in ("checkbox", "radio"):
            if "checked" in tag:
                values.append((name.group(1), value.group(1) if value else "on"))
        elif kind and kind.group(1) in ("submit", "file"):
            continue
        else:
            values.append((name.group(1), value.group(1) if value else ""))
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        values.append((name, chosen.group(1) if chosen else ""))
    for name, body in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        values.append((name, body.strip()))
    return values


def post_form(client, url, changes):
    data = {}
    for name, value in form_values(client.get(url).content.decode()):
        data.setdefault(name, []).append(value)
    data.update(changes)
    return client.post(url, data)


@pytest.fixture
def admin(client, admin_a):
    client.force_login(admin_a)
    return admin_a


def test_editing_a_user_stores_exactly_what_was_posted(client, admin, user_a):
    response = post_form(
        client,
        f"/admin-tenant/users/{user_a.pk}/",
        {"can_activecalls": "1", "can_cdr": "0", "enable_sensors": ["2"], "restrict_ips": "10.0.0.0/8",
         "req_2fa": "on", "blocked": "on", "blocked_reason": "left the company"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    user_a.refresh_from_db()
    assert (user_a.can_activecalls, user_a.can_cdr, user_a.can_pcap) == (True, False, None)
    assert (user_a.enable_sensors, user_a.restrict_ips, user_a.req_2fa, user_a.blocked) == (
        [2],
        "10.0.0.0/8",
        True,
        True,
    )
    assert user_a.blocked_reason == "left the company"


def test_a_new_user_and_a_group_with_flags(client, admin, tenant_a):
    response = post_form(client, "/admin-tenant/groups/new/", {"name": "noc", "can_cdr": "on", "can_pcap": "on"})
    assert response.status_code == 302
    group = UserGroup.objects.get(tenant=tenant_a, name="noc")
    assert {f for f in CAPABILITY_FLAGS if getattr(group, f)} == {"can_cdr", "can_pcap"}
    response = post_form(
        client, "/admin-tenant/users/new/", {"username": "newbie", "password": "a-Long-pass-42", "group": str(group.pk)}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    newbie = User.objects.get(username="newbie")
    assert newbie.tenant_id == tenant_a.pk and newbie.group_id == group.pk and newbie.check_password("a-Long-pass-42")
    assert newbie.effective_flags() == {"can_cdr", "can_pcap"}  # from the group


def test_a_taken_user_name_or_weak_password_is_the_forms_message(client, admin, user_b):
    response = post_form(client, "/admin-tenant/users/new/", {"username": "bob", "password": "a-Long-pass-42"})
    assert response.status_code == 409 and "User name bob is taken." in response.content.decode()
    response = post_form(client, "/admin-tenant/users/new/", {"username": "carl", "password": "123"})
    assert response.status_code == 400 and not User.objects.filter(username="carl").exists()


def test_a_group_of_another_tenant_cannot_be_given(client, admin, user_a, tenant_b):
    foreign = UserGroup.objects.create(tenant=tenant_b, name="theirs")
    response = post_form(client, f"/admin-tenant/users/{user_a.pk}/", {"group": str(foreign.pk)})
    assert response.status_code == 400
    user_a.refresh_from_db()
    assert user_a.group_id is None


def test_capture_settings_are_the_tenants(client, admin, tenant_a, tenant_b):
    response = post_form(
        client, "/admin-tenant/capture/", {"custom_headers": "X-Customer, X-Site", "match_header": "X-CID"}
    )
    assert response.status_code == 302
    config = capture_settings_for(tenant_a)
    assert (config.header_names(), config.match_header) == (("X-Customer", "X-Site"), "X-CID")
    assert capture_settings_for(tenant_b) is None
    response = post_form(client, "/admin-tenant/capture/", {"custom_headers": "X Bad Header"})
    assert response.status_code == 400 and capture_settings_for(tenant_a).header_names() == ("X-Customer", "X-Site")


def test_branding_is_saved_for_the_tenant_and_worn_by_its_pages(client, admin, tenant_a):
    response = post_form(client, "/admin-tenant/branding/", {"product_name": "ACME Voice", "primary_colour": "#aa3300"})
    assert response.status_code == 302
    page = client.get("/admin-tenant/").content.decode()
    assert "ACME Voice" in page and "--brand:#aa3300" in page
    response = post_form(client, "/admin-tenant/branding/", {"primary_colour": "red"})
    assert response.status_code == 400 and "#RRGGBB" in response.content.decode()


def test_a_blocked_user_is_refused_at_the_next_request(client, admin, user_a):
    other = __import__("django.test", fromlist=["Client"]).Client()
    other.force_login(user_a)
    assert other.get("/").status_code in (200, 302)
    post_form(client, f"/admin-tenant/users/{user_a.pk}/", {"blocked": "on", "blocked_reason": "gone"})
    assert other.get("/", follow=True).redirect_chain[-1][0].startswith("/accounts/login")


def test_a_sensor_is_created_edited_and_its_number_clash_named(client, admin, tenant_a):
    response = post_form(
        client, "/admin-tenant/sensors/new/", {"id_sensor": "7", "name": "edge", "timezone": "Europe/Prague"}
    )
    assert response.status_code == 302
    response = post_form(client, "/admin-tenant/sensors/new/", {"id_sensor": "7", "name": "again", "timezone": "UTC"})
    assert response.status_code == 409 and "Sensor 7 already exists" in response.content.decode()


__all__ = ["user_create", "PASSWORD"]
