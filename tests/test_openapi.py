import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_lists_the_endpoints(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/calls/", "/api/v1/calls/{id}/", "/api/v1/tenants/", "/api/v1/users/", "/api/v1/sensors/"):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/calls/"]["get"]["parameters"]}
    assert {"calldate_from", "caller", "number", "connected"} <= params


def test_browsable_docs_page(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
