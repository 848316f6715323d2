"""Tenant settings of the spec: API concurrency limit, "Disable authorization for API usage" by host name,
and serving every legacy URL under a sub-path."""

import json

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from apps.accounts.services import apitoken_issue
from apps.tenants.concurrency import FileSlot
from apps.tenants.models import Tenant, TenantHost
from tests.conftest import PASSWORD

from .helpers import assert_legacy_error, ids_of, sql_login
from .slots import slots_held

pytestmark = pytest.mark.django_db

QUERY = {"task": "getVoipCalls", "params": json.dumps({"startTime": "2024-03-01"})}
HOSTS = ["testserver", "calls.acme.example", "calls.globex.example", "unknown.example"]


@pytest.fixture
def limited(tenant_a, user_a, make_call, settings, tmp_path):
    settings.VOIPMON_API_SLOT_DIR = str(tmp_path)
    tenant_a.api_max_concurrent_connections = 2
    tenant_a.save()
    return make_call(tenant_a)


def test_file_slots_hold_across_descriptors(tmp_path, settings):
    settings.VOIPMON_API_SLOT_DIR = str(tmp_path)
    first, second = FileSlot.take(7, 2), FileSlot.take(7, 2)
    assert first and second and FileSlot.take(7, 2) is None
    assert FileSlot.take(8, 1) is not None  # another tenant has its own slots
    first.release()
    assert FileSlot.take(7, 2) is not None


def test_requests_within_the_limit_pass_and_give_their_slot_back(client, limited):
    for _ in range(4):  # more than the limit, one after another: each slot is returned
        body = client.get("/php/api.php", {**QUERY, "user": "arthur", "password": PASSWORD}).json()
        assert ids_of(body) == [limited.pk]


def test_legacy_request_over_the_limit_is_refused_at_once(client, tenant_a, limited):
    with slots_held(tenant_a, 2):
        body = client.get("/php/api.php", {**QUERY, "user": "arthur", "password": PASSWORD}).json()
        assert_legacy_error(body, "Too many concurrent")
        sql_login(client)
        listing = client.get("/php/model/sql.php", {"task": "LISTING", "module": "CDR", "fdatefrom": "2024-03-01"})
        assert_legacy_error(listing.json(), "Too many concurrent")
    assert ids_of(client.get("/php/api.php", {**QUERY, "user": "arthur", "password": PASSWORD}).json())


def test_rest_request_over_the_limit_is_429_with_retry_after(tenant_a, user_a, limited):
    rest = APIClient()
    rest.credentials(HTTP_AUTHORIZATION=f"Token {apitoken_issue(user=user_a)}")
    with slots_held(tenant_a, 2):
        response = rest.get("/api/v1/calls/")
        assert response.status_code == 429 and response["Retry-After"]
    assert rest.get("/api/v1/calls/").status_code == 200


def test_other_tenant_is_not_limited_by_a_busy_tenant(client, tenant_a, tenant_b, user_b, limited, make_call):
    theirs = make_call(tenant_b)
    with slots_held(tenant_a, 2):
        assert ids_of(client.get("/php/api.php", {**QUERY, "user": "bob", "password": PASSWORD}).json()) == [theirs.pk]


@pytest.fixture
def open_host(tenant_a, tenant_b, user_a, user_b, make_call):
    TenantHost.objects.create(tenant=tenant_a, host="Calls.Acme.example")
    TenantHost.objects.create(tenant=tenant_b, host="calls.globex.example")
    tenant_a.api_disable_authorization, tenant_a.api_user = True, user_a
    tenant_a.save()
    return make_call(tenant_a), make_call(tenant_b)


@override_settings(ALLOWED_HOSTS=HOSTS)
def test_no_credentials_on_an_open_tenants_host_act_as_its_api_user(client, open_host):
    mine, _theirs = open_host
    assert ids_of(client.get("/php/api.php", QUERY, HTTP_HOST="calls.acme.example").json()) == [mine.pk]
    assert ids_of(client.get("/php/api.php", QUERY, HTTP_HOST="calls.acme.example:8443").json()) == [mine.pk]


@override_settings(ALLOWED_HOSTS=HOSTS)
@pytest.mark.parametrize("host", ["unknown.example", "calls.globex.example", "testserver"])
def test_no_credentials_elsewhere_are_refused(client, open_host, host):
    assert client.get("/php/api.php", QUERY, HTTP_HOST=host).json()["error"] == {"type": "no_session"}


@override_settings(ALLOWED_HOSTS=HOSTS)
def test_open_host_never_acts_as_another_tenants_user_or_a_blocked_one(client, open_host, tenant_a, user_a, user_b):
    Tenant.objects.filter(pk=tenant_a.pk).update(api_user=user_b)  # bypassing clean(): the check still holds
    assert client.get("/php/api.php", QUERY, HTTP_HOST="calls.acme.example").json()["error"] == {"type": "no_session"}
    Tenant.objects.filter(pk=tenant_a.pk).update(api_user=user_a)
    user_a.blocked = True
    user_a.save()
    assert client.get("/php/api.php", QUERY, HTTP_HOST="calls.acme.example").json()["error"] == {"type": "no_session"}


@override_settings(ALLOWED_HOSTS=HOSTS)
def test_open_host_applies_to_api_php_only(client, open_host):
    body = client.get("/php/model/sql.php", {"task": "LISTING", "module": "CDR", "fdatefrom": "2024-03-01"},
                      HTTP_HOST="calls.acme.example").json()  # fmt: skip
    assert body["error"] == {"type": "no_session"}


@override_settings(FORCE_SCRIPT_NAME="/demo")
@pytest.mark.parametrize("stripped", [False, True], ids=["prefix-in-path", "prefix-stripped-by-proxy"])
def test_every_legacy_url_works_under_a_sub_path(client, tenant_a, user_a, make_call, stripped):
    call = make_call(tenant_a)

    def url(path):
        return path if stripped else f"/demo{path}"

    login = client.get(url("/php/model/sql.php"), {"module": "bypass_login", "user": "arthur", "pass": PASSWORD}).json()
    assert login["cookie_name"] == "PHPSESSID-demo"
    client.cookies.clear()
    client.cookies["PHPSESSID-demo"] = login["SID"]
    assert ids_of(client.get(url("/php/api.php"), QUERY).json()) == [call.pk]
    listing = client.get(url("/php/model/sql.php"), {"task": "LISTING", "module": "CDR", "fdatefrom": "2024-03-01"})
    assert [r["ID"] for r in listing.json()["results"]] == [call.pk]
    assert client.get(url("/php/model/utilities.php"), {"task": "checkSession"}).json()["success"] is True
    assert client.get(url("/php/apilicensecheck.php"), {"task": "licenseCheck"}).json()["status"] == 0
    redirect = client.get(url("/admin.php"), {"cdr_filter": '{fcallid:"x"}'})
    assert redirect["Location"] == "/demo/api/v1/calls/?callid=x"
    assert "/php/api.php" in client.get(url("/api.php")).json()["error"]
