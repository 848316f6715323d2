"""Schedules mailed over a real SMTP server (aiosmtpd): the right local day in a UTC+13 tenant and across
New York's DST changes, MIME parts that decode, nothing sent twice, SMTP failures retried."""

import csv
import datetime as dt
import io
import json
import zoneinfo

import pytest
from PIL import Image

from apps.reports.delivery import schedule_fire
from apps.reports.models import ReportDefinition, ReportDelivery, ReportRun, ReportSchedule
from apps.reports.services import schedule_create
from apps.reports.tasks import run_deliver_task, schedule_fire_task
from apps.tenants.services import tenant_create
from apps.users.services import user_create
from tests.conftest import PASSWORD
from tests.contracts.world import token_client

pytestmark = pytest.mark.django_db


def local(zone, text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=zoneinfo.ZoneInfo(zone))


def make_schedule(tenant, make_call, local_calls, **fields):
    """A tenant's report with a daily schedule, and calls at the given local times."""
    for moment in local_calls:
        start = moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        make_call(tenant, calldate=start, a_mos_f1_mult10=41, b_mos_f1_mult10=38)
    admin = user_create(username=f"boss-{tenant.slug}", tenant=tenant, password=PASSWORD, is_admin=True,
                        email=f"boss@{tenant.slug}.example")  # fmt: skip
    from apps.users.actor import actor_for_user

    actor = actor_for_user(admin)
    report = ReportDefinition.objects.create(tenant=tenant, description="Morning", group_by="hour")
    values = {"report": report.pk, "frequency": "daily", "time": "07:00", "recipients": ["noc@example.com"],
              "recipient_users": [admin.pk], "formats": ["png", "csv", "json"], **fields}  # fmt: skip
    return schedule_create(actor=actor, **values), admin


def parts(message):
    out = {}
    for part in message.walk():
        if part.is_multipart():
            continue
        name = part.get_filename() or part.get_content_type()
        out[name] = part
    return out


def fire(schedule, now):
    run_id = schedule_fire(schedule_id=schedule.pk, now=now)
    if run_id:
        run_deliver_task.delay(run_id)
    return run_id


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_utc_plus_13_tenant_gets_its_previous_local_day(smtp_inbox, media, make_call):
    tenant = tenant_create(slug="tonga", name="Tonga", timezone="Pacific/Tongatapu")
    zone = "Pacific/Tongatapu"
    inside = [local(zone, "2024-03-05 00:30"), local(zone, "2024-03-05 12:00"), local(zone, "2024-03-05 23:59")]
    outside = [local(zone, "2024-03-04 23:30"), local(zone, "2024-03-06 00:10")]
    schedule, admin = make_schedule(tenant, make_call, inside + outside)
    assert schedule.periodic_task.crontab.hour == "7" and str(schedule.periodic_task.crontab.timezone) == zone
    fire(schedule, local(zone, "2024-03-06 07:00"))
    messages = smtp_inbox.wait(2)
    assert sorted(m["To"] for m in messages) == ["boss@tonga.example", "noc@example.com"]
    message = messages[0]
    assert "2024-03-05 00:00" in message["Subject"] and "2024-03-06 00:00" in message["Subject"]
    found = parts(message)
    html = found["text/html"].get_content()
    charts = [p for p in message.walk() if p.get("Content-ID")]
    assert charts and all(f"cid:{c['Content-ID'].strip('<>')}" in html for c in charts)
    for chart in charts:
        Image.open(io.BytesIO(chart.get_payload(decode=True))).verify()
    png = [p for n, p in found.items() if str(n).endswith(".png") and not p.get("Content-ID")][0]
    assert Image.open(io.BytesIO(png.get_payload(decode=True))).format == "PNG"
    csv_part = [p for n, p in found.items() if str(n).endswith(".csv")][0]
    table = list(csv.DictReader(io.StringIO(csv_part.get_payload(decode=True).decode())))
    assert table[-1]["group"] == "total" and int(table[-1]["calls"]) == 3
    assert [row["group"] for row in table[:-1]] == ["2024-03-05 00:00", "2024-03-05 12:00", "2024-03-05 23:00"]
    document = json.loads([p for n, p in found.items() if str(n).endswith(".json")][0].get_payload(decode=True))
    assert document["from"] == "2024-03-05T00:00:00+13:00" and document["to"] == "2024-03-06T00:00:00+13:00"
    assert document["totals"]["calls"] == 3 and document["totals"]["mos_avg"] == 3.8
    run = ReportRun.objects.get()
    assert run.status == ReportRun.SENT and run.attempts == 1


@pytest.mark.parametrize(
    ("now", "day", "hours", "calls"),
    [("2024-03-11 07:00", "2024-03-10", 23, 3), ("2024-11-04 07:00", "2024-11-03", 25, 3)],
)
def test_new_york_dst_days_last_23_and_25_hours(smtp_inbox, media, make_call, now, day, hours, calls):
    zone = "America/New_York"
    tenant = tenant_create(slug="nyc", name="NYC", timezone=zone)
    first = local(zone, f"{day} 00:30").astimezone(dt.UTC)  # elapsed time from here (not wall-clock arithmetic)
    inside = [first, first + dt.timedelta(hours=hours - 1), first + dt.timedelta(hours=hours - 1, minutes=20)]
    outside = [first - dt.timedelta(hours=1), first + dt.timedelta(hours=hours)]
    schedule, _admin = make_schedule(tenant, make_call, inside + outside, recipient_users=[])
    fire(schedule, local(zone, now))
    (message,) = smtp_inbox.wait(1)
    run = ReportRun.objects.get()
    assert run.period_end - run.period_start == dt.timedelta(hours=hours)
    assert run.period_start.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M") == f"{day} 00:00"
    document = json.loads(
        [p for n, p in parts(message).items() if str(n).endswith(".json")][0].get_payload(decode=True)
    )
    assert document["totals"]["calls"] == calls
    assert document["totals"]["concurrent_avg"] == round(len(inside) * 60 / (hours * 3600), 3)


def test_a_second_tick_sends_nothing_again(smtp_inbox, media, make_call):
    tenant = tenant_create(slug="twice", name="Twice", timezone="Europe/Prague")
    schedule, _admin = make_schedule(tenant, make_call, [local("Europe/Prague", "2024-03-05 10:00")])
    now = local("Europe/Prague", "2024-03-06 07:00")
    assert fire(schedule, now)
    assert fire(schedule, now + dt.timedelta(seconds=30)) is None
    assert len(smtp_inbox.wait(3, timeout=3)) == 2
    assert ReportRun.objects.count() == 1


def test_a_failing_smtp_server_marks_the_run_failed_and_the_retry_sends_only_what_is_missing(
    smtp_inbox, media, make_call, settings
):
    settings.VOIPMON_REPORTS_RETRY_SECONDS = 0
    tenant = tenant_create(slug="flaky", name="Flaky", timezone="UTC")
    schedule, _admin = make_schedule(tenant, make_call, [local("UTC", "2024-03-05 10:00")])
    smtp_inbox.fail_next = 1  # the second recipient's message is refused once
    run_id = schedule_fire(schedule_id=schedule.pk, now=local("UTC", "2024-03-06 07:00"))
    addresses = sorted(ReportDelivery.objects.filter(run_id=run_id).values_list("address", flat=True))
    # Celery's own eager retry (apply re-applies the task after self.retry), with the real SMTP refusals
    run_deliver_task.apply(args=(run_id,), throw=False)
    messages = smtp_inbox.wait(3, timeout=3)
    assert sorted(m["To"] for m in messages) == addresses  # each once: the first was not sent again
    run = ReportRun.objects.get(pk=run_id)
    assert run.status == ReportRun.SENT and run.attempts == 2 and run.error == ""


def test_failure_reason_is_kept_when_retries_run_out(smtp_inbox, media, make_call, settings):
    settings.VOIPMON_REPORTS_RETRY_SECONDS = 0
    settings.VOIPMON_REPORTS_MAX_RETRIES = 1
    tenant = tenant_create(slug="down", name="Down", timezone="UTC")
    schedule, _admin = make_schedule(tenant, make_call, [local("UTC", "2024-03-05 10:00")], recipient_users=[])
    smtp_inbox.fail_next = 5
    run_id = schedule_fire(schedule_id=schedule.pk, now=local("UTC", "2024-03-06 07:00"))
    assert run_deliver_task.apply(args=(run_id,), throw=False).get() == "failed"
    run = ReportRun.objects.get(pk=run_id)
    assert run.status == ReportRun.FAILED and "451" in run.error and run.attempts == 2
    assert smtp_inbox.messages == []


def test_send_now_preview_and_sent_list_over_rest(smtp_inbox, media, make_call, django_capture_on_commit_callbacks):
    tenant = tenant_create(slug="rest", name="Rest", timezone="UTC")
    yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    schedule, admin = make_schedule(tenant, make_call, [yesterday.replace(hour=10, minute=0)], recipient_users=[])
    client = token_client(admin)
    preview = client.get(f"/api/v1/report-schedules/{schedule.pk}/preview/")
    assert preview.status_code == 200 and b"Morning" in preview.content and smtp_inbox.messages == []
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/api/v1/report-schedules/{schedule.pk}/send/")
    assert sent.status_code == 202
    assert len(smtp_inbox.wait(1)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/api/v1/report-schedules/{schedule.pk}/send/")
    assert again.status_code == 202 and again.json()["status"] == "sent"
    assert len(smtp_inbox.wait(2, timeout=2)) == 1
    runs = client.get("/api/v1/report-runs/").json()
    assert [r["status"] for r in runs["results"]] == ["sent"]
    download = client.get(f"/api/v1/report-runs/{runs['results'][0]['id']}/download/", {"format": "csv"})
    assert download.status_code == 200 and list(csv.reader(io.StringIO(download.content.decode())))[-1][1] == "1"


def test_old_runs_are_purged_with_their_files(smtp_inbox, media, make_call):
    from django.core.files.storage import default_storage

    from apps.reports.delivery import runs_purge
    from apps.reports.models import ReportSettings

    tenant = tenant_create(slug="purge", name="Purge", timezone="UTC")
    ReportSettings.objects.create(tenant=tenant, keep_days=7)
    schedule, _admin = make_schedule(tenant, make_call, [local("UTC", "2024-03-05 10:00")], recipient_users=[])
    fire(schedule, local("UTC", "2024-03-06 07:00"))
    run = ReportRun.objects.get()
    assert all(default_storage.exists(n) for n in run.files.values())
    assert runs_purge(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=6)) == 0
    assert runs_purge(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=8)) == 1
    assert not ReportRun.objects.exists() and not any(default_storage.exists(n) for n in run.files.values())


def test_schedule_fire_task_is_what_beat_calls(media, make_call):
    tenant = tenant_create(slug="beat", name="Beat", timezone="UTC")
    schedule, _admin = make_schedule(tenant, make_call, [], recipient_users=[], recipients=[])
    assert schedule.periodic_task.task == schedule_fire_task.name
    assert json.loads(schedule.periodic_task.args) == [schedule.pk]
    assert ReportSchedule.objects.get(pk=schedule.pk).periodic_task.enabled


def beat_next_fire(task, after):
    """When beat would next fire `task` after `after` (UTC), from django-celery-beat's own crontab schedule."""
    task.refresh_from_db()
    cron = task.crontab.schedule
    start, delta, _now = cron.remaining_delta(after)
    return (start + delta).astimezone(dt.UTC)


def test_tenant_zone_change_moves_its_schedules_beat_entries(media, make_call, django_capture_on_commit_callbacks):
    tenant = tenant_create(slug="mover", name="Mover", timezone="Europe/Prague")
    schedule, admin = make_schedule(tenant, make_call, [], recipient_users=[], recipients=["noc@example.com"])
    from apps.users.actor import actor_for_user

    weekly = schedule_create(actor=actor_for_user(admin), report=schedule.report_id, frequency="weekly", weekday=2,
                             time="18:30", recipients=["noc@example.com"])  # fmt: skip
    after = dt.datetime(2024, 7, 1, 12, 0, tzinfo=dt.UTC)  # a Monday
    assert beat_next_fire(schedule.periodic_task, after) == local("Europe/Prague", "2024-07-02 07:00")
    response = token_client(admin).patch(
        f"/api/v1/tenants/{tenant.pk}/", {"timezone": "America/New_York"}, format="json"
    )
    assert response.status_code == 200, response.content
    for item, expected in ((schedule, "2024-07-02 07:00"), (weekly, "2024-07-03 18:30")):
        task = ReportSchedule.objects.get(pk=item.pk).periodic_task
        assert str(task.crontab.timezone) == "America/New_York"
        # the oracle: the local wall-clock time in the new zone, converted by zoneinfo
        assert beat_next_fire(task, after) == local("America/New_York", expected)
    # a save that keeps the zone (a rename) leaves the entries as they are
    crontab_ids = {s.periodic_task.crontab_id for s in ReportSchedule.objects.filter(tenant=tenant)}
    token_client(admin).patch(f"/api/v1/tenants/{tenant.pk}/", {"name": "Renamed"}, format="json")
    assert {s.periodic_task.crontab_id for s in ReportSchedule.objects.filter(tenant=tenant)} == crontab_ids
