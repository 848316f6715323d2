"""Production settings send the security headers (issue 17): HSTS, a Content-Security-Policy, frame,
referrer and opener policies, no-sniff, and only secure, HTTP-only cookies (session, CSRF, the legacy
PHPSESSID). The production module's own values are applied to this test's server; `check --deploy`
with production settings stays clean (tests/test_settings.py)."""

import importlib
import re

import pytest
from django.test import override_settings

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
SECURITY_SETTINGS = (
    "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY", "LANGUAGE_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY", "VOIPMON_CONTENT_SECURITY_POLICY", "DEBUG",
)  # fmt: skip


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    module = importlib.import_module("voipmon.settings.production")
    with override_settings(**{name: getattr(module, name) for name in SECURITY_SETTINGS}):
        yield module


def test_production_sends_the_security_headers(client, production, user_a):
    response = client.get("/accounts/login/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get("/accounts/login/").status_code == 301  # plain HTTP is sent to HTTPS


def test_production_cookies_are_secure_and_http_only(client, production, user_a):
    page = client.get("/accounts/login/", secure=True)
    assert page.cookies["csrftoken"]["secure"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    signed_in = client.post(
        "/accounts/login/", {"username": "arthur", "password": PASSWORD, "csrfmiddlewaretoken": token}, secure=True
    )
    assert signed_in.status_code == 302
    assert signed_in.cookies["sessionid"]["secure"] and signed_in.cookies["sessionid"]["httponly"]
    legacy = client.post(
        "/php/model/sql.php", {"module": "bypass_login", "user": "arthur", "pass": PASSWORD}, secure=True
    )
    assert legacy.json()["success"] is True
    assert legacy.cookies["PHPSESSID"]["secure"] and legacy.cookies["PHPSESSID"]["httponly"]


def test_the_api_docs_page_has_no_inline_script_and_nothing_from_a_cdn(client, production, admin_a):
    client.force_login(admin_a)
    page = client.get("/api/docs/", secure=True).content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
    assert "cdn." not in page and "https://" not in page.replace("https://testserver", "")
