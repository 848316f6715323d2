"""A real OpenID Connect provider on 127.0.0.1 for the Google and Microsoft tests (PyPI oidc-provider-mock,
authlib + Flask, in a thread over plain HTTP). Never the internet.

Its JWKS key has a `kid` (a thumbprint) but its ID tokens' headers do not, which the Microsoft backend
requires: `id_token_with_kid` re-signs the token with the same key and that `kid`.
"""

import json
import threading
from urllib.parse import parse_qs, urlsplit

import flask
import jwt
import requests
import werkzeug.serving

from .slapd import free_port


def provider_app():
    from oidc_provider_mock import app

    application = app(require_nonce=False)

    @application.after_request
    def id_token_with_kid(response):
        """Re-sign the ID token with the JWKS key's `kid` in its header (the Microsoft backend needs it)."""
        if flask.request.path.endswith("/oauth2/token") and response.is_json:
            body = response.get_json()
            if body.get("id_token"):
                key = flask.g.oidc_provider_mock_storage.jwk
                header = jwt.get_unverified_header(body["id_token"])
                if "kid" not in header:
                    claims = jwt.decode(body["id_token"], options={"verify_signature": False})
                    pem = key.as_pem(is_private=True)
                    header_kid = {"kid": key.as_dict()["kid"]}
                    body["id_token"] = jwt.encode(claims, pem, algorithm="RS256", headers=header_kid)
                    response.set_data(json.dumps(body))
        return response

    return application


class Provider:
    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = werkzeug.serving.make_server("127.0.0.1", self.port, provider_app(), threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.thread.join(5)

    def set_user(self, sub, **claims):
        requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5).raise_for_status()

    def authorize(self, authorize_url, sub):
        """What the person's browser does at the provider: pick the account; returns the callback URL."""
        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text[:300]
        return response.headers["Location"]


def callback_path(location):
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}", parse_qs(parts.query)
