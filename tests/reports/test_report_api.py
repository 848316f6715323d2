"""reportSummary (/php/api.php) and the REST report endpoints: shapes, errors naming the problem, restrictions."""

import io
import json

import pytest
from PIL import Image

from apps.reports.models import ReportDefinition, ReportSettings
from apps.users.services import user_create
from tests.conftest import PASSWORD
from tests.contracts.world import token_client
from tests.legacy.helpers import assert_legacy_error

pytestmark = pytest.mark.django_db
DAY = {"datetime_from": "2024-03-05", "datetime_to": "2024-03-05"}


@pytest.fixture
def calls(tenant_a, tenant_b, make_call):
    # tenant A, 2024-03-05 (Prague): 4 calls on sensor 1 (one failed), 2 on sensor 2; tenant B: 1
    for i in range(3):
        make_call(tenant_a, calldate=f"2024-03-05 09:1{i}:00", id_sensor=1)
    make_call(tenant_a, calldate="2024-03-05 09:20:00", id_sensor=1, connect_duration=None, lastSIPresponseNum=486)
    for i in range(2):
        make_call(tenant_a, calldate=f"2024-03-05 10:1{i}:00", id_sensor=2, caller="1555")
    make_call(tenant_b, calldate="2024-03-05 09:10:00")


@pytest.fixture
def report(tenant_a):
    return ReportDefinition.objects.create(tenant=tenant_a, description="Daily Summary", group_by="sensor")


def api(client, params, user="alice"):
    query = {"task": "reportSummary", "user": user, "password": PASSWORD, "params": json.dumps(params)}
    return client.get("/php/api.php", query)


def test_report_summary_json_has_the_legacy_shape(client, admin_a, calls, report):
    body = api(client, {"report_name": "Daily Summary", **DAY, "json": True}).json()
    assert body["success"] is True and body["report"] == "Daily Summary"
    assert body["totals"]["calls"] == 6 and body["totals"]["connected"] == 5
    assert body["totals"]["asr"] == round(5 * 100 / 6, 3)
    assert {row["group"]: row["calls"] for row in body["rows"]} == {1: 4, 2: 2}


def test_report_summary_without_json_is_a_png(client, admin_a, calls, report):
    response = api(client, {"report_name": "Daily Summary", **DAY})
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.verify()
    assert image.format == "PNG"


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"report_name": "Nope", **DAY}, "Report Nope not found"),
        ({"report_name": "Daily Summary", "datetime_from": "2024-03-06", "datetime_to": "2024-03-05"}, "before"),
        ({"report_name": "Daily Summary", "datetime_from": "yesterday", "datetime_to": "2024-03-05"}, "datetime_from"),
        ({"report_name": "Daily Summary", "datetime_from": "2020-01-01", "datetime_to": "2024-03-05"}, "at most 30"),
        ({"report_name": "Daily Summary", "datetime_from": "0001-01-01", "datetime_to": "0001-01-01"}, "date range"),
        ({"report_name": "Daily Summary", "datetime_from": "9999-12-30", "datetime_to": "9999-12-31"}, "date range"),
        ({"report_name": "Daily Summary", "datetime_from": "0001-01-01 00:00", "datetime_to": "0001-01-02"}, "range"),
        ({**DAY}, "report_name is required"),
        ({"report_name": "Daily Summary", **DAY, "colour": 1}, "Unknown parameter: colour"),
    ],
)
def test_report_summary_errors_name_the_problem(client, admin_a, calls, report, params, fragment):
    ReportSettings.objects.create(tenant=admin_a.tenant, max_span_days=30)
    assert_legacy_error(api(client, {**params, "json": True}).json(), fragment)


def test_report_summary_counts_only_what_a_restricted_user_sees(client, tenant_a, calls, report):
    user_create(username="sam", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True}, sensors=[2])
    body = api(client, {"report_name": "Daily Summary", **DAY, "json": True}, user="sam").json()
    assert body["totals"]["calls"] == 2 and [row["group"] for row in body["rows"]] == [2]
    user_create(
        username="nina", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True}, restrict_numbers="420601%"
    )
    body = api(client, {"report_name": "Daily Summary", **DAY, "json": True}, user="nina").json()
    assert body["totals"]["calls"] == 4  # the 1555 calls are not theirs


def test_report_summary_of_another_tenant_is_not_found(client, tenant_b, calls, report, user_b):
    ReportDefinition.objects.create(tenant=tenant_b, description="B only")
    assert_legacy_error(
        api(client, {"report_name": "Daily Summary", **DAY, "json": True}, user="bob").json(), "not found"
    )


def test_report_summary_needs_can_cdr(client, tenant_a, calls, report):
    user_create(username="nocdr", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": False})
    assert_legacy_error(
        api(client, {"report_name": "Daily Summary", **DAY, "json": True}, user="nocdr").json(), "can_cdr"
    )


def test_rest_crud_validates_with_the_call_filterset(tenant_a, admin_a, calls):
    client = token_client(admin_a)
    created = client.post(
        "/api/v1/reports/",
        {"description": "Trunk", "filters": {"id_sensor": "1"}, "metrics": ["asr", "ner"], "group_by": "response"},
        format="json",
    )
    assert created.status_code == 201, created.content
    again = client.post("/api/v1/reports/", {"description": "Trunk"}, format="json")
    assert again.status_code == 409 and "already exists" in again.json()["detail"]
    bad = client.post("/api/v1/reports/", {"description": "X", "filters": {"no_such": "1"}}, format="json")
    assert bad.status_code == 400
    bad = client.post("/api/v1/reports/", {"description": "X", "filters": {"id_sensor": "abc"}}, format="json")
    assert bad.status_code == 400 and "id_sensor" in bad.json()["detail"]
    pk = created.json()["id"]
    rendered = client.get(f"/api/v1/reports/{pk}/render/", {"from": "2024-03-05", "to": "2024-03-05", "format": "json"})
    document = json.loads(rendered.content)
    assert document["totals"] == {"asr": 75.0, "ner": 100.0}
    assert {row["group"] for row in document["rows"]} == {200, 486}
    csv_text = client.get(f"/api/v1/reports/{pk}/render/", {"from": "2024-03-05", "to": "2024-03-05", "format": "csv"})
    assert csv_text.content.decode().splitlines()[0] == "group,asr,ner"
    wrong = client.get(f"/api/v1/reports/{pk}/render/", {"from": "2024-03-05", "to": "x", "format": "json"})
    assert wrong.status_code == 400 and "datetime_to" in wrong.json()["detail"]


def test_rest_report_writes_need_can_reports_edit(tenant_a, calls, report):
    reader = user_create(username="reader", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True})
    client = token_client(reader)
    assert client.get("/api/v1/reports/").status_code == 200
    assert client.post("/api/v1/reports/", {"description": "x"}, format="json").status_code == 403
    assert client.delete(f"/api/v1/reports/{report.pk}/").status_code == 403
    assert ReportDefinition.objects.filter(pk=report.pk).exists()
