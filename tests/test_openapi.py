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


def test_the_schema_is_valid_openapi_without_warnings(tmp_path):
    """drf-spectacular's own validator (the OpenAPI 3.0 meta-schema): what client generators read must parse."""
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert out.stat().st_size > 10_000


def test_browsable_docs_page(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


# ---------------------------------------------------------------- a schema that tells the truth (issue 17)


@pytest.fixture
def schema(client):
    return client.get("/api/schema/", {"format": "json"}).json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def test_every_signed_in_operation_lists_401_403_and_429_and_every_object_404(schema):
    for method, path, operation in operations(schema):
        codes = set(operation["responses"])
        if path == "/api/v1/auth/token/":
            assert {"400", "429"} <= codes, codes
            continue
        assert {"401", "403", "429"} <= codes, (method, path, codes)
        if "{id}" in path:
            assert "404" in codes, (method, path, codes)
        if "requestBody" in operation:
            assert "400" in codes, (method, path, codes)


def test_the_views_own_error_answers_are_listed(schema):
    paths = schema["paths"]
    assert {"409", "410"} <= set(paths["/api/v1/exports/{id}/download/"]["get"]["responses"])
    assert {"413", "503"} <= set(paths["/api/v1/captures/"]["post"]["responses"])
    assert {"422"} <= set(paths["/api/v1/calls/{id}/audio/"]["get"]["responses"])
    assert {"409"} <= set(paths["/api/v1/sensors/"]["post"]["responses"])
    error = paths["/api/v1/exports/{id}/download/"]["get"]["responses"]["410"]["content"]["application/json"]
    assert error["schema"] == {"$ref": "#/components/schemas/Error"}
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {"detail", "code"}


def test_request_bodies_are_advertised_only_in_what_the_server_reads(schema):
    """A capture is a file (multipart only); an export names a list of calls (JSON only: a form has no list)."""
    paths = schema["paths"]
    assert list(paths["/api/v1/captures/"]["post"]["requestBody"]["content"]) == ["multipart/form-data"]
    assert list(paths["/api/v1/exports/"]["post"]["requestBody"]["content"]) == ["application/json"]


def test_advertised_names_and_time_zones_are_what_validation_accepts(schema):
    import zoneinfo

    components = schema["components"]["schemas"]
    assert components["SensorRequest"]["properties"]["name"]["minLength"] == 1
    assert components["TenantRequest"]["properties"]["name"]["minLength"] == 1
    assert set(components["TimezoneEnum"]["enum"]) == zoneinfo.available_timezones()
    assert components["ExportCreateRequest"]["properties"]["cdr_ids"]["minItems"] == 1


def test_blank_sensor_name_and_unknown_time_zones_are_refused_with_nothing_changed(tenant_a, admin_a):
    from rest_framework.test import APIClient

    from apps.accounts.services import apitoken_issue
    from apps.sensors.models import Sensor
    from apps.users.models import User

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {apitoken_issue(user=admin_a)}")
    sensor = Sensor.objects.get(tenant=tenant_a, id_sensor=1)
    assert api.patch(f"/api/v1/sensors/{sensor.pk}/", {"name": ""}, format="json").status_code == 400
    assert api.patch(f"/api/v1/sensors/{sensor.pk}/", {"timezone": "Mars/Olympus"}, format="json").status_code == 400
    assert api.patch(f"/api/v1/tenants/{tenant_a.pk}/", {"timezone": "Mars/Olympus"}, format="json").status_code == 400
    refused = api.patch(f"/api/v1/users/{admin_a.pk}/", {"timezone": "Mars/Olympus"}, format="json")
    assert refused.status_code == 400 and "timezone" in refused.json()
    sensor.refresh_from_db()
    assert (sensor.name, sensor.timezone, User.objects.get(pk=admin_a.pk).timezone) == ("acme sensor 1", "UTC", "")
    assert api.patch(f"/api/v1/users/{admin_a.pk}/", {"timezone": ""}, format="json").status_code == 200
    assert api.patch(f"/api/v1/users/{admin_a.pk}/", {"timezone": "Asia/Tokyo"}, format="json").status_code == 200
    assert api.get("/api/v1/users/me/").json()["timezone"] == "Asia/Tokyo"


def test_a_sensor_number_in_use_is_409(tenant_a, admin_a):
    from rest_framework.test import APIClient

    from apps.accounts.services import apitoken_issue
    from apps.sensors.models import Sensor

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {apitoken_issue(user=admin_a)}")
    clash = api.post("/api/v1/sensors/", {"id_sensor": 2, "name": "again"}, format="json")
    assert clash.status_code == 409 and clash.json()["code"] == "exists"
    assert Sensor.objects.filter(tenant=tenant_a).count() == 2


def test_the_schema_patterns_of_call_filters_generate_only_accepted_values():
    """What the schema advertises for IP filters and SIP response filters, the validators accept."""
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from apps.cdr.filterkit import validate_networks, validate_response

    for validator in (validate_networks, validate_response):
        strategy = st.from_regex(validator.openapi_schema["pattern"])
        settings(max_examples=100, derandomize=True, database=None, deadline=None)(given(strategy)(validator))()
    networks = validate_networks.openapi_schema["pattern"]
    assert all(re.search(networks, v) for v in ("10.0.0.1", "10.0.0.0/8", "::1", "2001:db8::/32", "fe80::1,10.1.2.3"))
