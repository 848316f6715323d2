"""Google and Microsoft sign-in end to end against a local OpenID Connect provider: users created per
tenant by the provider's stable id; a bad state, a foreign domain or a foreign Entra tenant is refused
and creates nothing."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from apps.accounts.models import TenantAuthConfig
from apps.users.models import User, UserGroup

from .helpers import page_text, signed_in_user
from .oidc_provider import Provider, callback_path

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
ENTRA_TENANT = "6f1d5a8e-3c1b-4f7a-9a53-1d2f6c7e8b90"
OTHER_ENTRA_TENANT = "0b6a7c3d-8e2f-4a1b-b5c6-7d8e9f0a1b2c"


@pytest.fixture(scope="session")
def provider():
    server = Provider().start()
    yield server
    server.stop()


@pytest.fixture
def sso_settings(provider):
    with override_settings(
        SOCIAL_AUTH_GOOGLE_OAUTH2_KEY="voipmon-google",
        SOCIAL_AUTH_GOOGLE_OAUTH2_SECRET="google-secret",
        SOCIAL_AUTH_GOOGLE_OAUTH2_AUTHORIZATION_URL=f"{provider.url}/oauth2/authorize",
        SOCIAL_AUTH_GOOGLE_OAUTH2_ACCESS_TOKEN_URL=f"{provider.url}/oauth2/token",
        SOCIAL_AUTH_GOOGLE_OAUTH2_USERINFO_URL=f"{provider.url}/userinfo",
        SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_KEY="voipmon-entra",
        SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_SECRET="entra-secret",
        SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_AUTHORIZATION_URL=f"{provider.url}/oauth2/authorize",
        SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_ACCESS_TOKEN_URL=f"{provider.url}/oauth2/token",
        SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_OPENID_CONFIGURATION_URL=f"{provider.url}/.well-known/openid-configuration",
        SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_IGNORE_DEFAULT_SCOPE=True,
        SOCIAL_AUTH_AZUREAD_TENANT_OAUTH2_SCOPE=["openid", "profile", "email"],
    ):
        yield


@pytest.fixture
def acme_sso(tenant_a, sso_settings):
    group = UserGroup.objects.create(tenant=tenant_a, name="sso-users", can_cdr=True)
    return TenantAuthConfig.objects.create(
        tenant=tenant_a,
        default_group=group,
        google_enabled=True,
        google_allowed_domains="acme.example",
        microsoft_enabled=True,
        microsoft_tenant_id=ENTRA_TENANT,
    )


def begin(client, backend, tenant="acme"):
    response = client.post(reverse("social:begin", args=[backend]), {"tenant": tenant})
    assert response.status_code == 302, response.content[:300]
    return response["Location"]


def landing(user):
    """Where sign-in without `next` ends: the call browser for a user who may search calls, else the home."""
    if "can_cdr" not in user.effective_flags():
        return reverse("home")
    return f"{reverse('browse:calls')}?{settings.VOIPMON_BROWSE_DEFAULT_SEARCH}"  # the bare URL's search


def finish(client, provider, backend, sub, tenant="acme"):
    path, _query = callback_path(provider.authorize(begin(client, backend, tenant), sub))
    return client.get(path, follow=True)


def test_begin_is_post_only(client, acme_sso):
    assert client.get(reverse("social:begin", args=["google-oauth2"])).status_code == 405


def test_google_sign_in_creates_the_user_in_the_tenant(client, provider, acme_sso, tenant_a):
    provider.set_user("g-100", email="gina@acme.example", email_verified=True, name="Gina Ruiz",
                      given_name="Gina", family_name="Ruiz", hd="acme.example")  # fmt: skip
    response = finish(client, provider, "google-oauth2", "g-100")
    gina = User.objects.get(external_id="google-oauth2:g-100")
    assert response.redirect_chain[-1][0] == landing(gina), page_text(response)[-600:]
    assert (gina.tenant, gina.username, gina.email, gina.group.name) == (tenant_a, "gina@acme.example",
                                                                          "gina@acme.example", "sso-users")  # fmt: skip
    assert signed_in_user(client) == gina
    client.post(reverse("accounts:logout"))
    finish(client, provider, "google-oauth2", "g-100")
    assert User.objects.filter(external_id="google-oauth2:g-100").count() == 1


def test_google_foreign_domain_is_refused_and_creates_nothing(client, provider, acme_sso):
    provider.set_user("g-200", email="eve@evil.example", email_verified=True, name="Eve")
    before = User.objects.count()
    response = finish(client, provider, "google-oauth2", "g-200")
    assert "may not sign in here" in page_text(response) and User.objects.count() == before
    assert signed_in_user(client) is None


def test_bad_state_is_refused_and_creates_nothing(client, provider, acme_sso):
    provider.set_user("g-300", email="tom@acme.example", email_verified=True)
    location = provider.authorize(begin(client, "google-oauth2"), "g-300")
    path, query = callback_path(location)
    forged = path.replace(f"state={query['state'][0]}", "state=forged-state")
    response = client.get(forged, follow=True)
    assert "failed" in page_text(response) and not User.objects.filter(email="tom@acme.example").exists()
    assert signed_in_user(client) is None


def test_google_not_enabled_for_the_tenant_is_refused(client, provider, acme_sso, tenant_b):
    TenantAuthConfig.objects.create(tenant=tenant_b)
    provider.set_user("g-400", email="gina@acme.example", email_verified=True)
    response = finish(client, provider, "google-oauth2", "g-400", tenant="globex")
    assert "not enabled" in page_text(response) and not User.objects.filter(external_id__contains="g-400").exists()


def test_microsoft_sign_in_checks_the_signed_token_and_creates_the_user(client, provider, acme_sso, tenant_a):
    provider.set_user("m-100", tid=ENTRA_TENANT, oid="oid-100", email="max@acme.example", name="Max Weber",
                      given_name="Max", family_name="Weber")  # fmt: skip
    response = finish(client, provider, "azuread-tenant-oauth2", "m-100")
    user = User.objects.get(external_id="azuread-tenant-oauth2:m-100")
    assert response.redirect_chain[-1][0] == landing(user), page_text(response)[-600:]
    assert user.tenant == tenant_a and user.first_name == "Max" and signed_in_user(client) == user


def test_microsoft_foreign_entra_tenant_is_refused_and_creates_nothing(client, provider, acme_sso):
    provider.set_user("m-200", tid=OTHER_ENTRA_TENANT, oid="oid-200", email="mal@other.example", name="Mal")
    before = User.objects.count()
    response = finish(client, provider, "azuread-tenant-oauth2", "m-200")
    assert "failed" in page_text(response) and User.objects.count() == before
