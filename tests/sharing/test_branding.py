"""Branding: REST for tenant administrators, image checks (PNG, sanitised SVG, sizes), share hosts
unique across tenants, and the brand on the sign-in page by host, the profile and share pages."""

import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.branding.images import PNG_SIGNATURE
from apps.branding.models import Branding
from apps.tenants.models import TenantHost
from tests.contracts.world import token_client

from .images import png

pytestmark = pytest.mark.django_db


def upload(name, data, kind="image/png"):
    return SimpleUploadedFile(name, data, kind)


def snapshot():
    return list(Branding.objects.order_by("pk").values())


def test_admin_sets_name_colour_and_a_png_logo_served_back(admin_a):
    client = token_client(admin_a)
    logo = png()
    response = client.patch(
        "/api/v1/branding/", {"product_name": "ACME Voice", "primary_colour": "#aa3300", "logo": upload("l.png", logo)},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["product_name"] == "ACME Voice" and body["logo_type"] == "image/png"
    served = Client().get(body["logo_url"])
    assert served.status_code == 200 and served.content == logo and served["Content-Type"] == "image/png"
    assert client.get("/api/v1/branding/").json()["primary_colour"] == "#aa3300"


def test_svg_logo_is_sanitised(admin_a):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">'
        b'<script>alert(2)</script><rect width="10" height="10" fill="red" onclick="x()"/>'
        b'<image xlink:href="https://tracker.example/p.png"/><foreignObject><div>x</div></foreignObject>'
        b'<style>@import url(https://evil.example/a.css);</style><circle r="3"/></svg>'
    )
    response = token_client(admin_a).patch("/api/v1/branding/", {"logo": upload("l.svg", svg, "image/svg+xml")},
                                            format="multipart")  # fmt: skip
    assert response.status_code == 200, response.content
    stored = Client().get(response.json()["logo_url"]).content
    root = ET.fromstring(stored)
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert tags == {"svg", "rect", "image", "circle"}
    assert b"alert" not in stored and b"onclick" not in stored and b"tracker.example" not in stored
    assert b"evil.example" not in stored


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"GIF89a" + b"\0" * 100, "must be a PNG or SVG"),
        (b"not an image at all", "must be a PNG or SVG"),
        (PNG_SIGNATURE + b"\0" * 40, "not a valid image"),
        (b"<svg><unclosed></svg>", "not a valid image"),
        (png() + b"\0" * (300 * 1024), "larger than"),
        (png(width=5000, height=2), "2048"),
    ],
)
def test_bad_logo_is_a_clear_error_and_changes_nothing(admin_a, data, fragment):
    client = token_client(admin_a)
    client.patch("/api/v1/branding/", {"product_name": "Before"}, format="json")
    before = snapshot()
    response = client.patch("/api/v1/branding/", {"product_name": "After", "logo": upload("l.bin", data)},
                            format="multipart")  # fmt: skip
    assert response.status_code == 400 and fragment in response.json()["detail"], response.content
    assert snapshot() == before


def test_share_host_taken_by_another_tenant_is_refused_and_changes_nothing(admin_a, tenant_b):
    from apps.users.services import user_create
    from tests.conftest import PASSWORD

    admin_b = user_create(username="bea", tenant=tenant_b, password=PASSWORD, is_admin=True)
    assert token_client(admin_b).patch("/api/v1/branding/", {"share_host": "share.example.test"}).status_code == 200
    before = snapshot()
    for host in ("share.example.test", "SHARE.Example.test:443"):
        response = token_client(admin_a).patch("/api/v1/branding/", {"share_host": host, "product_name": "x"})
        assert response.status_code == 400 and "already taken" in response.json()["detail"]
    TenantHost.objects.create(tenant=tenant_b, host="api.globex.test")
    response = token_client(admin_a).patch("/api/v1/branding/", {"share_host": "api.globex.test"})
    assert response.status_code == 400
    assert snapshot() == before


def test_bad_colour_is_refused(admin_a):
    response = token_client(admin_a).patch("/api/v1/branding/", {"primary_colour": "red"})
    assert response.status_code == 400 and "#RRGGBB" in response.json()["detail"]


def test_sign_in_page_wears_the_brand_of_its_host_and_not_the_other(admin_a, tenant_a, tenant_b, settings):
    from apps.branding.services import branding_update
    from apps.core.actor import Actor

    settings.ALLOWED_HOSTS = ["*"]
    branding_update(actor=Actor(tenant_id=tenant_a.pk, is_admin=True),
                    data={"product_name": "ACME Voice", "domain": "voice.acme.test"}, logo=png())  # fmt: skip
    branding_update(actor=Actor(tenant_id=tenant_b.pk, is_admin=True), data={"product_name": "Globex Talk"})
    TenantHost.objects.create(tenant=tenant_b, host="calls.globex.test")
    page_a = Client(HTTP_HOST="voice.acme.test").get("/accounts/login/").content.decode()
    assert "<title>Sign in · ACME Voice</title>" in page_a and f"/branding/{tenant_a.pk}/logo" in page_a
    assert "Globex" not in page_a
    page_b = Client(HTTP_HOST="calls.globex.test").get("/accounts/login/").content.decode()
    assert "Globex Talk" in page_b and "ACME" not in page_b
    plain = Client().get("/accounts/login/").content.decode()
    assert "· voipmon</title>" in plain
    client = Client()
    client.force_login(admin_a)
    assert "ACME Voice" in client.get("/accounts/profile/").content.decode()


def test_brand_images_of_a_tenant_without_one_are_404(tenant_a):
    assert Client().get(f"/branding/{tenant_a.pk}/logo").status_code == 404
    assert Client().get(f"/branding/{tenant_a.pk}/password_hash").status_code == 404
