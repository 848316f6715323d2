"""`/api/docs/` needs nothing from outside: after `collectstatic`, WhiteNoise (as in production, no
web server in front) serves every script and style sheet the page names, from our own static files."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_every_asset_of_the_docs_page_is_ours_and_served_by_whitenoise(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()  # a new client builds the middleware now, so WhiteNoise indexes the new STATIC_ROOT
    html = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css|png))"', html)
    assert len(assets) >= 3, html  # Swagger UI's bundle, its preset and its style sheet at least
    for url in assets:
        assert url.startswith(
            settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
        ), url
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.__class__.__name__ == "WhiteNoiseFileResponse", (url, type(response))
        assert b"".join(response.streaming_content)
