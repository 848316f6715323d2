from django.urls import reverse

from tests.conftest import PASSWORD


def sign_in(client, username, password=PASSWORD, tenant=None, meta=None, **extra):
    url = reverse("accounts:login-tenant", args=[tenant]) if tenant else reverse("accounts:login")
    return client.post(url, {"username": username, "password": password, **extra}, **(meta or {}))


def page_text(response):
    return response.content.decode()


def signed_in_user(client):
    response = client.get(reverse("accounts:profile"))
    return response.wsgi_request.user if response.status_code == 200 else None
