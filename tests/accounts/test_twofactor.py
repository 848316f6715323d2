"""TOTP two-factor: enrollment with a QR code and backup codes; nothing is reachable before the code."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.services import backup_codes_regenerate, enrollment_code_issue
from tests.conftest import PASSWORD

from .helpers import page_text, sign_in

pytestmark = pytest.mark.django_db


def code_for(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def enrolled(user_a):
    device = TOTPDevice.objects.create(user=user_a, name="phone", confirmed=True)
    codes = backup_codes_regenerate(user=user_a)
    return device, codes


def test_req_2fa_user_must_enroll_before_reaching_anything(client, user_a):
    user_a.req_2fa = True
    user_a.save()
    response = sign_in(client, "arthur")
    assert reverse("accounts:twofactor-verify") in response["Location"]
    assert client.get(reverse("accounts:profile"))["Location"].startswith(reverse("accounts:twofactor-verify"))
    step = page_text(client.get(reverse("accounts:twofactor-setup"), follow=True))
    assert "enrollment code" in step and "<svg" not in step
    code, _expires = enrollment_code_issue(user=user_a)
    client.post(reverse("accounts:twofactor-setup"), {"enrollment_code": code})
    setup = client.get(reverse("accounts:twofactor-setup"), follow=True)
    html = page_text(setup)
    assert "<svg" in html and re.search(r'class="key">[A-Z2-7 ]{20,}<', html)
    device = TOTPDevice.objects.get(user=user_a, confirmed=False)
    wrong = client.post(reverse("accounts:twofactor-setup"), {"code": "000000"})
    assert "not right" in page_text(wrong)
    done = client.post(reverse("accounts:twofactor-setup"), {"code": code_for(device)})
    codes = re.findall(r"<li>([a-z0-9]{8})</li>", page_text(done))
    assert len(codes) == 10
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_enrolled_user_passes_the_code_step_and_nothing_before(client, enrolled):
    device, _codes = enrolled
    sign_in(client, "arthur")
    for url in (reverse("accounts:profile"), reverse("admin:index"), reverse("accounts:twofactor-setup")):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:twofactor-verify") in response["Location"], url
    assert client.get("/api/v1/users/me/").status_code in (401, 403)
    assert "not right" in page_text(client.post(reverse("accounts:twofactor-verify"), {"code": "123456"}))
    response = client.post(reverse("accounts:twofactor-verify"), {"code": code_for(device)})
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.get("/api/v1/users/me/").json()["username"] == "arthur"


def test_rest_session_before_the_second_factor_says_why(client, enrolled):
    sign_in(client, "arthur")
    response = client.get("/api/v1/users/me/")
    assert response.status_code in (401, 403) and "Two-factor" in response.json()["detail"]


def test_backup_code_works_once(client, enrolled):
    _device, codes = enrolled
    sign_in(client, "arthur")
    assert client.post(reverse("accounts:twofactor-verify"), {"code": codes[0]}).status_code == 302
    client.post(reverse("accounts:logout"))
    sign_in(client, "arthur")
    assert "not right" in page_text(client.post(reverse("accounts:twofactor-verify"), {"code": codes[0]}))


def test_2fa_user_cannot_use_a_password_on_the_legacy_api_but_a_token_on_rest(client, enrolled):
    body = client.get("/php/api.php", {"task": "listCdrIds", "user": "arthur", "password": PASSWORD}).json()
    assert body["success"] is False and "two-factor" in body["error"]
    device, _codes = enrolled
    sign_in(client, "arthur")
    client.post(reverse("accounts:twofactor-verify"), {"code": code_for(device)})
    page = page_text(client.post(reverse("accounts:token-create"), {"name": "cron", "days": 10}))
    key = re.search(r'id="new-key">([0-9a-f]{40})<', page).group(1)
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/calls/").status_code == 200


def test_user_may_turn_off_optional_2fa_but_not_required_2fa(client, enrolled, user_a):
    device, _codes = enrolled
    sign_in(client, "arthur")
    client.post(reverse("accounts:twofactor-verify"), {"code": code_for(device)})
    user_a.req_2fa = True
    user_a.save()
    client.post(reverse("accounts:twofactor-remove"))
    assert TOTPDevice.objects.filter(user=user_a).exists()
    user_a.req_2fa = False
    user_a.save()
    client.post(reverse("accounts:twofactor-remove"))
    assert not TOTPDevice.objects.filter(user=user_a).exists()
