"""A real Celery worker on the real Redis broker: a second beat tick and a worker killed mid-run send nothing twice."""

import asyncio
import datetime as dt
import os
import signal
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from apps.reports.models import ReportDelivery, ReportRun
from apps.reports.tasks import schedule_fire_task
from apps.tenants.services import tenant_create
from tests.celery_worker import reset_pools, wait_for, worker_env, worker_spawn, worker_wait
from tests.mailserver import Inbox, free_port
from tests.reports.test_schedules import make_schedule

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
SLOW = "slow@example.com"


class SlowInbox(Inbox):
    """Holds the first RCPT TO of SLOW for `delay` seconds, long enough to kill the client in between."""

    delay = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's hook)
        if address == SLOW and self.delay:
            delay, self.delay = self.delay, 0.0
            await asyncio.sleep(delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def smtp_env(monkeypatch):
    """A real SMTP server; the worker process reaches it through the EMAIL_* environment (settings read them)."""
    inbox = SlowInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setenv("EMAIL_HOST", controller.hostname)
    monkeypatch.setenv("EMAIL_PORT", str(controller.port))
    monkeypatch.setenv("VOIPMON_REPORTS_LEASE_SECONDS", "3")
    monkeypatch.setenv("VOIPMON_CELERY_VISIBILITY_TIMEOUT", "4")
    try:
        yield inbox
    finally:
        controller.stop()


def worker_children():
    """Pids of the Celery workers this test process started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"celery" in command and b"worker" in command:
            found.append(int(entry.name))
    return found


def yesterday_schedule(make_call, slug, recipients):
    tenant = tenant_create(slug=slug, name=slug, timezone="UTC")
    moment = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    schedule, _admin = make_schedule(tenant, make_call, [moment], recipient_users=[], recipients=recipients)
    return schedule


def test_two_beat_ticks_send_each_recipient_once(smtp_env, celery_worker_process, make_call):
    schedule = yesterday_schedule(make_call, "ticks", ["a@example.com", "b@example.com"])
    schedule_fire_task.delay(schedule.pk)
    schedule_fire_task.delay(schedule.pk)
    wait_for(lambda: ReportRun.objects.filter(status=ReportRun.SENT).exists())
    time.sleep(6)  # past the visibility timeout: a redelivered message would have run by now
    assert sorted(m["To"] for m in smtp_env.messages) == ["a@example.com", "b@example.com"]
    assert ReportRun.objects.count() == 1


def test_a_worker_killed_mid_run_loses_nothing_and_sends_nothing_twice(smtp_env, celery_worker_process, make_call):
    app = celery_worker_process
    schedule = yesterday_schedule(make_call, "killed", ["first@example.com", SLOW])
    smtp_env.delay = 15.0
    schedule_fire_task.delay(schedule.pk)
    wait_for(lambda: ReportDelivery.objects.filter(address="first@example.com", sent_at__isnull=False).exists())
    time.sleep(1.0)  # the worker is now waiting on the server's answer to RCPT TO:<slow@...>
    (pid,) = worker_children()  # busy in SMTP, a solo worker answers no control command: find it in /proc
    os.kill(pid, signal.SIGKILL)
    run = ReportRun.objects.get()
    assert run.status == ReportRun.RUNNING
    replacement = worker_spawn(worker_env(app.conf.broker_url))
    try:
        reset_pools(app)
        worker_wait(app, replacement)
        # the redelivered task (acks late) or the next tick finishes the run once the dead worker's lease ends
        time.sleep(4)
        schedule_fire_task.delay(schedule.pk)
        wait_for(lambda: ReportRun.objects.filter(pk=run.pk, status=ReportRun.SENT).exists(), timeout=60)
        time.sleep(6)
    finally:
        replacement.terminate()
        replacement.wait(timeout=20)
    assert sorted(m["To"] for m in smtp_env.messages) == ["first@example.com", SLOW]
    assert ReportRun.objects.get().attempts >= 2
