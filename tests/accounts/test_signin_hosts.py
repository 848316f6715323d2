"""The sign-in page on a tenant's own host name (TenantHost) is that tenant's page without a slug:
its LDAP notice and Google / Microsoft buttons. The slug still works; an unknown host is the plain page."""

import pytest
from django.urls import reverse

from apps.accounts.models import TenantAuthConfig
from apps.tenants.models import TenantHost
from apps.users.models import User

from .helpers import page_text, sign_in, signed_in_user

pytestmark = pytest.mark.django_db
ACME_HOST = "voip.acme.example"


@pytest.fixture(autouse=True)
def test_hosts(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ACME_HOST, "voip.globex.example", "elsewhere.example"]


@pytest.fixture
def acme_page(tenant_a, tenant_b):
    TenantHost.objects.create(tenant=tenant_a, host=ACME_HOST)
    TenantHost.objects.create(tenant=tenant_b, host="voip.globex.example")
    return TenantAuthConfig.objects.create(
        tenant=tenant_a,
        ldap_enabled=True,
        ldap_server_uri="ldap://127.0.0.1:9",
        google_enabled=True,
        google_allowed_domains="acme.example",
        microsoft_enabled=True,
        microsoft_tenant_id="6f1d5a8e-3c1b-4f7a-9a53-1d2f6c7e8b90",
    )


def login_page(client, host, path=None):
    return page_text(client.get(path or reverse("accounts:login"), HTTP_HOST=host))


def test_the_tenants_host_shows_its_ldap_and_providers_without_a_slug(client, acme_page):
    html = login_page(client, ACME_HOST)
    assert "Organisation: ACME Telecom" in html
    assert "directory (LDAP)" in html
    assert "Sign in with Google" in html and "Sign in with Microsoft" in html
    assert reverse("social:begin", args=["google-oauth2"]) in html and 'name="tenant" value="acme"' in html


@pytest.mark.parametrize("host", ["VOIP.Acme.Example", f"{ACME_HOST}:8443"])
def test_the_host_is_matched_without_case_and_port(client, acme_page, host, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".acme.example"]
    assert "Sign in with Google" in login_page(client, host)


def test_another_tenants_host_shows_that_tenant_only(client, acme_page):
    html = login_page(client, "voip.globex.example")
    assert "Globex VoIP" in html and "ACME" not in html
    assert "Google" not in html and "LDAP" not in html


@pytest.mark.parametrize("host", ["elsewhere.example", "testserver"])
def test_an_unknown_host_shows_the_plain_local_login(client, acme_page, host):
    html = login_page(client, host)
    assert 'name="username"' in html and 'name="password"' in html
    assert "Organisation" not in html and "Google" not in html and "LDAP" not in html


def test_the_slug_still_works_and_wins_over_the_host(client, acme_page):
    assert "Sign in with Google" in login_page(
        client, "elsewhere.example", reverse("accounts:login-tenant", args=["acme"])
    )
    html = login_page(client, ACME_HOST, reverse("accounts:login-tenant", args=["globex"]))
    assert "Globex VoIP" in html and "Google" not in html
    assert "Sign in with Google" in login_page(client, "elsewhere.example", reverse("accounts:login") + "?tenant=acme")


def test_local_sign_in_on_the_tenants_host(client, acme_page, user_a):
    response = sign_in(client, "arthur", meta={"HTTP_HOST": ACME_HOST})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("accounts:profile"), HTTP_HOST=ACME_HOST).status_code == 200


def test_the_tenants_host_asks_the_tenants_directory(client, acme_page):
    """The configured server is down: only a page that knows its tenant tries it, and says so."""
    on_host = sign_in(client, "lena", "lena-pw", meta={"HTTP_HOST": ACME_HOST})
    assert on_host.status_code == 401 and "cannot be reached" in page_text(on_host)
    elsewhere = sign_in(client, "lena", "lena-pw", meta={"HTTP_HOST": "elsewhere.example"})
    assert elsewhere.status_code == 401 and "cannot be reached" not in page_text(elsewhere)
    assert not User.objects.filter(username="lena").exists() and signed_in_user(client) is None


def test_a_host_not_in_allowed_hosts_is_refused(client, acme_page):
    assert client.get(reverse("accounts:login"), HTTP_HOST="evil.example").status_code == 400
