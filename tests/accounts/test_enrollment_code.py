"""A req_2fa user's first 2FA enrollment needs a one-time code from an administrator, so a password
stolen before enrollment is not enough to enroll the thief's phone."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import TwoFactorEnrollmentCode
from apps.accounts.services import enrollment_code_issue, totp_enrollment_confirm, totp_enrollment_start
from apps.core.exceptions import AppError
from tests.contracts.world import token_client

from .helpers import page_text, sign_in
from .test_twofactor import code_for

pytestmark = pytest.mark.django_db
SETUP = "/accounts/2fa/setup/"


@pytest.fixture
def required(user_a):
    user_a.req_2fa = True
    user_a.save()
    return user_a


def enter_code(client, code):
    return client.post(SETUP, {"enrollment_code": code})


def test_password_alone_shows_no_qr_code_and_enrolls_nothing(client, required):
    sign_in(client, "arthur")
    html = page_text(client.get(SETUP))
    assert "enrollment code" in html and "<svg" not in html and 'class="key"' not in html
    assert not TOTPDevice.objects.filter(user=required).exists()
    # posting a TOTP code straight at the page does not enroll either
    client.post(SETUP, {"code": "123456"})
    assert not TOTPDevice.objects.filter(user=required).exists()
    assert client.get(reverse("accounts:profile"))["Location"].startswith(reverse("accounts:twofactor-verify"))


def test_the_administrators_code_opens_enrollment_once(client, required, admin_a):
    response = token_client(admin_a).post(f"/api/v1/users/{required.pk}/enrollment-code/")
    assert response.status_code == 201
    code = response.json()["code"]
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", code)
    stored = TwoFactorEnrollmentCode.objects.get(user=required)
    assert code not in stored.code_hash and stored.created_by == admin_a
    sign_in(client, "arthur")
    assert "not right" in page_text(enter_code(client, "AAAA-BBBB-CCCC-DDDD"))
    assert enter_code(client, code.lower().replace("-", " ")).status_code == 302  # typed loosely
    assert "<svg" in page_text(client.get(SETUP))
    device = TOTPDevice.objects.get(user=required, confirmed=False)
    done = client.post(SETUP, {"code": code_for(device)})
    assert len(re.findall(r"<li>([a-z0-9]{8})</li>", page_text(done))) == 10
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert not TwoFactorEnrollmentCode.objects.filter(user=required).exists()  # used up


def test_an_expired_code_is_refused(client, required):
    code, _expires = enrollment_code_issue(user=required)
    TwoFactorEnrollmentCode.objects.filter(user=required).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    sign_in(client, "arthur")
    assert "not right or has expired" in page_text(enter_code(client, code))
    assert "<svg" not in page_text(client.get(SETUP))


def test_a_new_code_replaces_the_old_one(client, required):
    old, _expires = enrollment_code_issue(user=required)
    new, _expires = enrollment_code_issue(user=required)
    sign_in(client, "arthur")
    assert "not right" in page_text(enter_code(client, old))
    assert enter_code(client, new).status_code == 302


def test_a_code_reissued_after_acceptance_voids_the_session(client, required):
    """An administrator who reissues (a code leaked) stops a session that already accepted the old one."""
    code, _expires = enrollment_code_issue(user=required)
    sign_in(client, "arthur")
    enter_code(client, code)
    enrollment_code_issue(user=required)
    assert "<svg" not in page_text(client.get(SETUP))


def test_confirming_without_an_accepted_code_is_refused_by_the_service(required):
    device = totp_enrollment_start(user=required)
    with pytest.raises(AppError, match="enrollment code"):
        totp_enrollment_confirm(user=required, code=code_for(device))
    assert not TOTPDevice.objects.filter(user=required, confirmed=True).exists()


def test_wrong_codes_count_towards_the_sign_in_lock(client, required, settings):
    settings.VOIPMON_LOGIN_MAX_FAILURES_PER_PAIR = 3
    code, _expires = enrollment_code_issue(user=required)
    sign_in(client, "arthur")
    for _attempt in range(3):
        enter_code(client, "WRONG-CODE")
    assert "Too many failed" in page_text(enter_code(client, code))


def test_optional_2fa_needs_no_code(client, user_a):
    sign_in(client, "arthur")
    assert "<svg" in page_text(client.get(SETUP))


def test_the_command_issues_a_working_code(client, required):
    out = io.StringIO()
    call_command("twofactor_enrollment_code", "arthur", stdout=out, stderr=io.StringIO())
    sign_in(client, "arthur")
    assert enter_code(client, out.getvalue().strip()).status_code == 302


def test_the_admin_action_issues_a_code(client, required):
    from apps.users.models import User

    root = User.objects.create_superuser("root", "root@example.com", "x-Pa55-word")
    client.force_login(root)
    response = client.post(
        reverse("admin:users_user_changelist"),
        {"action": "issue_enrollment_code", "_selected_action": [required.pk]},
        follow=True,
    )
    assert re.search(r"enrollment code for arthur: [A-Z2-9-]{19}", page_text(response))
    assert TwoFactorEnrollmentCode.objects.filter(user=required, created_by=root).exists()
