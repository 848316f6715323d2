"""Per-user API tokens (profile page), their refusals, and the sign-in lock on every interface."""

import datetime as dt
import json
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken
from tests.conftest import PASSWORD

from .helpers import page_text, sign_in, signed_in_user

pytestmark = pytest.mark.django_db


def token_from_profile(client, name="script", days=30):
    response = client.post(reverse("accounts:token-create"), {"name": name, "days": days})
    return re.search(r'id="new-key">([0-9a-f]{40})<', page_text(response)).group(1)


def rest(key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_token_from_the_profile_works_once_shown_and_is_stored_hashed(client, user_a):
    sign_in(client, "arthur")
    key = token_from_profile(client)
    assert rest(key).get("/api/v1/users/me/").json()["username"] == "arthur"
    token = ApiToken.objects.get(user=user_a)
    assert token.key_hash != key and key not in page_text(client.get(reverse("accounts:profile")))
    assert token.last_used_at is not None


def test_revoked_expired_and_unknown_tokens_are_refused(client, user_a):
    sign_in(client, "arthur")
    key = token_from_profile(client)
    token = ApiToken.objects.get(user=user_a)
    client.post(reverse("accounts:token-revoke", args=[token.pk]))
    response = rest(key).get("/api/v1/users/me/")
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    key2 = token_from_profile(client, "short")
    ApiToken.objects.filter(revoked_at__isnull=True).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = rest(key2).get("/api/v1/users/me/")
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    assert rest("0" * 40).get("/api/v1/users/me/").status_code == 401


def test_cannot_revoke_someone_elses_token(client, user_a, admin_a):
    sign_in(client, "alice")
    token_from_profile(client)
    other = ApiToken.objects.get(user=admin_a)
    client.post(reverse("accounts:logout"))
    sign_in(client, "arthur")
    assert client.post(reverse("accounts:token-revoke", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_blocked_users_token_is_refused_with_the_reason(client, user_a):
    sign_in(client, "arthur")
    key = token_from_profile(client)
    user_a.blocked, user_a.blocked_reason = True, "audit"
    user_a.save()
    response = rest(key).get("/api/v1/calls/")
    assert response.status_code == 401 and "audit" in response.json()["detail"]


def test_password_exchange_is_refused_for_2fa_users(client, user_a):
    user_a.req_2fa = True
    user_a.save()
    response = client.post("/api/v1/auth/token/", {"username": "arthur", "password": PASSWORD})
    assert response.status_code == 400 and "API token" in response.json()["detail"]


@override_settings(VOIPMON_LOGIN_MAX_FAILURES_PER_PAIR=3)
def test_repeated_failures_lock_the_user_on_the_page_even_with_the_right_password(client, user_a, caplog):
    for _attempt in range(3):
        sign_in(client, "arthur", "wrong")
    response = sign_in(client, "arthur")
    assert "Too many failed sign-ins" in page_text(response) and signed_in_user(client) is None
    assert "sign-in locked: pair of user='arthur' address=127.0.0.1" in caplog.text
    assert PASSWORD not in caplog.text and "wrong" not in caplog.text.replace("wrong user", "")


@override_settings(VOIPMON_LOGIN_MAX_FAILURES_PER_ADDRESS=4)
def test_repeated_failures_from_one_address_lock_that_address(client, user_a):
    for number in range(4):
        sign_in(client, f"guess{number}", "x")
    assert "Too many failed sign-ins" in page_text(sign_in(client, "arthur"))
    assert sign_in(client, "arthur", meta={"REMOTE_ADDR": "192.0.2.77"}).status_code == 302


@override_settings(VOIPMON_LOGIN_MAX_FAILURES_PER_PAIR=3)
def test_the_lock_also_holds_for_the_legacy_api_and_token_exchange(client, user_a):
    query = {"task": "getVoipCalls", "user": "arthur", "params": json.dumps({"startTime": "2024-01-01"})}
    for _attempt in range(3):
        assert client.get("/php/api.php", {**query, "password": "bad"}).json()["success"] is False
    body = client.get("/php/api.php", {**query, "password": PASSWORD}).json()
    assert body["success"] is False and "Too many failed sign-ins" in body["error"]
    response = client.post("/api/v1/auth/token/", {"username": "arthur", "password": PASSWORD})
    assert response.status_code == 429 and "Too many" in response.json()["detail"]
    assert 800 < int(response["Retry-After"]) <= 900


def test_legacy_api_refuses_blocked_user_with_reason_also_in_a_session(client, user_a):
    sid = client.post(f"/php/model/sql.php?module=bypass_login&user=arthur&pass={PASSWORD}").json()["SID"]
    user_a.blocked, user_a.blocked_reason = True, "fraud check"
    user_a.save()
    client.cookies["PHPSESSID"] = sid
    body = client.get("/php/api.php", {"task": "getVoipCalls", "params": '{"startTime":"2024-01-01"}'}).json()
    assert body["success"] is False and "fraud check" in body["error"]
    body = client.get("/php/api.php", {"task": "listCdrIds", "user": "arthur", "password": PASSWORD}).json()
    assert "fraud check" in body["error"]


def test_superuser_issues_and_revokes_tokens_in_the_admin(client, user_a):
    from apps.users.models import User

    root = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    client.force_login(root)
    changelist = reverse("admin:users_user_changelist")
    response = client.post(changelist, {"action": "issue_api_token", "_selected_action": [user_a.pk]}, follow=True)
    key = re.search(r"API token for arthur: ([0-9a-f]{40})", page_text(response)).group(1)
    assert rest(key).get("/api/v1/users/me/").status_code == 200
    token = ApiToken.objects.get(user=user_a)
    client.post(reverse("admin:accounts_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]})
    assert rest(key).get("/api/v1/users/me/").status_code == 401
