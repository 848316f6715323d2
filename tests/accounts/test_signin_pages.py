"""The sign-in page with local accounts, sign-out, the profile (time zone), and what is refused."""

import pytest
from django.conf import settings
from django.urls import reverse

from apps.accounts.models import TenantAuthConfig
from apps.users.models import User
from tests.conftest import PASSWORD

from .helpers import page_text, sign_in, signed_in_user

pytestmark = pytest.mark.django_db


def test_login_page_renders_with_local_form_only(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = page_text(response)
    assert 'name="username"' in html and 'name="password"' in html and "csrfmiddlewaretoken" in html
    assert "Google" not in html and "Microsoft" not in html


def test_tenant_login_page_shows_the_providers_the_tenant_enabled(client, tenant_a):
    TenantAuthConfig.objects.create(tenant=tenant_a, google_enabled=True, google_allowed_domains="acme.example")
    html = page_text(client.get(reverse("accounts:login-tenant", args=["acme"])))
    assert "Sign in with Google" in html and "Microsoft" not in html
    assert reverse("social:begin", args=["google-oauth2"]) in html and 'value="acme"' in html


def test_unknown_tenant_login_page_is_404(client, db):
    assert client.get(reverse("accounts:login-tenant", args=["nope"])).status_code == 404


def test_local_sign_in_reaches_the_call_browser(client, user_a):
    response = sign_in(client, "arthur")  # no `next`: the home, which sends a user with can_cdr to the calls
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home"))["Location"] == reverse("browse:calls")
    assert client.get(reverse("browse:calls"), follow=True).status_code == 200
    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 200 and "arthur" in page_text(profile) and "can_cdr" in page_text(profile)


def test_next_is_followed_only_when_local(client, user_a):
    assert sign_in(client, "arthur", next="/api/v1/calls/")["Location"] == "/api/v1/calls/"
    client.logout()
    assert sign_in(client, "arthur", next="https://evil.example/")["Location"] == reverse("home")


@pytest.mark.parametrize("username,password", [("arthur", "wrong"), ("nobody", PASSWORD), ("", "")])
def test_wrong_credentials_are_refused_and_create_nothing(client, user_a, username, password):
    before = User.objects.count()
    response = sign_in(client, username, password)
    assert response.status_code == 401 and signed_in_user(client) is None
    assert User.objects.count() == before
    if username:
        assert "Wrong user name or password." in page_text(response)


def test_blocked_user_is_refused_with_the_reason(client, user_a):
    user_a.blocked, user_a.blocked_reason = True, "unpaid invoice"
    user_a.save()
    response = sign_in(client, "arthur")
    assert response.status_code == 401 and "unpaid invoice" in page_text(response)
    assert signed_in_user(client) is None


def test_user_blocked_during_a_session_is_signed_out_with_the_reason(client, user_a):
    sign_in(client, "arthur")
    User.objects.filter(pk=user_a.pk).update(blocked=True, blocked_reason="contract ended")
    response = client.get(reverse("accounts:profile"), follow=True)
    assert "contract ended" in page_text(response) and not response.wsgi_request.user.is_authenticated


def test_logout_needs_post_and_ends_the_session(client, user_a):
    sign_in(client, "arthur")
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("accounts:profile"))["Location"].startswith(reverse("accounts:login"))


def test_tampered_session_cookie_is_anonymous(client, user_a):
    sign_in(client, "arthur")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.cookies[settings.SESSION_COOKIE_NAME] = key[:-4] + ("aaaa" if not key.endswith("aaaa") else "bbbb")
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client.get("/api/v1/users/me/").status_code == 401


def test_profile_time_zone_is_saved_and_validated(client, user_a):
    sign_in(client, "arthur")
    client.post(reverse("accounts:profile"), {"timezone": "America/New_York"})
    user_a.refresh_from_db()
    assert user_a.timezone == "America/New_York"
    response = client.post(reverse("accounts:profile"), {"timezone": "Mars/Olympus"}, follow=True)
    user_a.refresh_from_db()
    assert user_a.timezone == "America/New_York" and "Choose a time zone" in page_text(response)


def test_profile_needs_sign_in(client, db):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
