"""Report pages through the test client: a definition's form stores what was posted and names the
service's refusal; a schedule made on the page is the one REST would make (its beat entry included);
the figures of a rendered period are those of the REST render service for the same period."""

import json

import pytest

from apps.reports.models import ReportDefinition, ReportSchedule
from apps.users.services import user_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
EDITOR = {"can_cdr": True, "can_reports_edit": True}


@pytest.fixture
def editor(client, tenant_a):
    user = user_create(username="ed", tenant=tenant_a, password=PASSWORD, flags=EDITOR)
    client.force_login(user)
    return user


def definition(**changes):
    base = {"description": "weekly", "filters": "caller=420%\nid_sensor=1", "group_by": "day", "mos_kind": "f1",
            "ner_codes": "2,3,4", "short_seconds": "10", "top_n": "10", "metrics": ["calls", "asr"]}  # fmt: skip
    return {**base, **changes}


def test_a_definition_is_stored_as_posted_and_refusals_are_named(client, editor, tenant_a):
    response = client.post("/reports/new/", definition())
    report = ReportDefinition.objects.get(tenant=tenant_a)
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert (report.filters, report.metrics, report.ner_codes) == (
        {"caller": "420%", "id_sensor": "1"},
        ["calls", "asr"],
        "2,3,4",
    )
    taken = client.post("/reports/new/", definition())
    assert taken.status_code == 409 and "A report named weekly already exists." in taken.content.decode()
    unknown = client.post("/reports/new/", definition(description="other", filters="no_such_filter=1"))
    assert unknown.status_code == 400 and "Unknown call filter: no_such_filter" in unknown.content.decode()
    malformed = client.post("/reports/new/", definition(description="other", filters="just words"))
    assert malformed.status_code == 400 and "is not name=value" in malformed.content.decode()
    assert ReportDefinition.objects.filter(tenant=tenant_a).count() == 1


def test_a_schedule_from_the_page_gets_its_beat_entry(client, editor, tenant_a):
    client.post("/reports/new/", definition())
    report = ReportDefinition.objects.get(tenant=tenant_a)
    form = {"report": str(report.pk), "frequency": "weekly", "time": "06:30", "weekday": "4", "day": "1",
            "recipients": "a@example.com, b@example.com", "formats": ["png", "csv"], "enabled": "on"}  # fmt: skip
    assert client.post("/reports/schedules/new/", form).status_code == 302
    schedule = ReportSchedule.objects.get(tenant=tenant_a)
    assert (schedule.frequency, schedule.time.isoformat(), schedule.weekday) == ("weekly", "06:30:00", 4)
    assert (schedule.recipients, schedule.formats) == (["a@example.com", "b@example.com"], ["png", "csv"])
    task = schedule.periodic_task
    crontab = task.crontab
    assert task.enabled and (crontab.minute, crontab.hour, crontab.day_of_week) == ("30", "6", "5")  # cron: Friday = 5
    assert str(crontab.timezone) == tenant_a.timezone
    bad = client.post("/reports/schedules/new/", {**form, "recipients": "not-an-address"})
    assert bad.status_code == 400 and "is not an e-mail address" in bad.content.decode()


def test_the_pages_figures_are_those_of_the_rest_render(client, editor, tenant_a, make_call):
    for start, code in (("2024-03-05 08:00:00", 200), ("2024-03-05 09:00:00", 486), ("2024-03-06 09:00:00", 200)):
        make_call(tenant_a, calldate=start, lastSIPresponseNum=code)
    client.post("/reports/new/", definition(filters=""))
    report = ReportDefinition.objects.get(tenant=tenant_a)
    page = client.get(f"/reports/{report.pk}/", {"date_from": "2024-03-05", "date_to": "2024-03-06"}).content.decode()
    rest = client.get(
        f"/api/v1/reports/{report.pk}/render/", {"from": "2024-03-05", "to": "2024-03-06", "format": "json"}
    )
    totals = json.loads(rest.content)["totals"]
    for name in ("calls", "asr"):
        assert f'<div data-metric="{name}"><dt>{name}</dt><dd>{totals[name]}</dd></div>' in page
    assert totals["calls"] == 3
