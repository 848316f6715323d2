"""Actions: mail through a real SMTP server, webhooks to a real local HTTP server that checks the signature."""

import datetime as dt
import time

import orjson
import pytest

from apps.alerts.models import AlertAttempt, AlertEvent
from apps.alerts.tasks import alerts_tenant_evaluate_task
from tests.celery_worker import wait_for

from .oracle import at
from .webhook import WebhookTarget

END = at("2024-03-05 10:05:00")
SECRET = "per-rule-secret"


def lossy_calls(make_call, tenant, n=2, when="2024-03-05 10:01:00"):
    return [make_call(tenant, calldate=when, duration=30, packet_loss_perc_mult1000=9000) for _ in range(n)]


@pytest.mark.django_db
def test_mail_and_a_webhook_failing_twice_give_three_attempts_and_one_event(
    tenant_a, make_call, rule_make, evaluate, smtp_inbox, django_capture_on_commit_callbacks
):
    from apps.branding.services import branding_update
    from apps.core.actor import system_actor

    branding_update(
        actor=system_actor(tenant_a), data={"mail_sender": "Acme NOC <noc@acme.example>", "mail_footer": "Acme support"}
    )
    calls = lossy_calls(make_call, tenant_a)
    with WebhookTarget(SECRET, statuses=[500, 500]) as target:
        rule = rule_make(
            tenant_a,
            "loss",
            params={"value": 5},
            threshold=2,
            actions=[
                {"type": "email", "to": ["noc@example.com"]},
                {"type": "webhook", "url": target.url, "secret": SECRET},
            ],
        )
        with django_capture_on_commit_callbacks(execute=True):
            (event,) = evaluate(tenant_a, END)
        with django_capture_on_commit_callbacks(execute=True):
            assert evaluate(tenant_a, END) == []  # a second tick: nothing more is sent
    assert [r[3] for r in target.received] == [True, True, True]  # every signature verifies
    bodies = {r[1] for r in target.received}
    assert len(bodies) == 1  # the same signed body on every attempt
    body = orjson.loads(bodies.pop())
    assert body["event"] == event.pk and body["rule"] == {
        "id": rule.pk, "name": rule.name, "kind": "loss", "count_mode": "calls"
    }  # fmt: skip
    assert body["calls"]["ids"] == sorted(c.pk for c in calls) and body["measured"] == 2.0
    assert body["window"] == {"start": "2024-03-05T10:00:00+00:00", "end": "2024-03-05T10:05:00+00:00"}
    assert body["calls"]["links"][0].endswith(f"/api/v1/calls/{calls[0].pk}/")
    hooks = AlertAttempt.objects.filter(action_type="webhook").order_by("id")
    assert [(a.ok, a.status_code) for a in hooks] == [(False, 500), (False, 500), (True, 200)]
    mails = AlertAttempt.objects.filter(action_type="email")
    assert [(a.ok, a.target) for a in mails] == [(True, "noc@example.com")]  # not re-sent on the webhook's retries
    (message,) = smtp_inbox.wait(1)
    assert message["To"] == "noc@example.com" and rule.name in message["Subject"]
    text = message.get_payload(decode=True).decode()
    assert f"/api/v1/calls/{calls[0].pk}/" in text
    assert message["From"] == "Acme NOC <noc@acme.example>" and "Acme support" in text  # the tenant's brand
    assert AlertEvent.objects.count() == 1


@pytest.mark.django_db
def test_an_unreachable_webhook_is_recorded_and_given_up_after_the_retries(
    tenant_a, make_call, rule_make, evaluate, settings, django_capture_on_commit_callbacks
):
    settings.VOIPMON_ALERTS_MAX_RETRIES = 2
    with WebhookTarget(SECRET) as target:
        url = target.url  # closed when the block ends: nothing listens there afterwards
    lossy_calls(make_call, tenant_a, n=1)
    rule_make(tenant_a, "loss", params={"value": 5}, actions=[{"type": "webhook", "url": url, "secret": SECRET}])
    with django_capture_on_commit_callbacks(execute=True):
        evaluate(tenant_a, END)
    attempts = list(AlertAttempt.objects.all())
    assert len(attempts) == 3 and not any(a.ok for a in attempts) and all(a.error for a in attempts)


@pytest.fixture
def worker_smtp(monkeypatch):
    """A real SMTP server the worker process reaches through EMAIL_* (set before the worker starts)."""
    from tests.mailserver import smtp_server_start

    controller, inbox = smtp_server_start()
    monkeypatch.setenv("EMAIL_HOST", controller.hostname)
    monkeypatch.setenv("EMAIL_PORT", str(controller.port))
    monkeypatch.setenv("VOIPMON_ALERTS_RETRY_SECONDS", "1")
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_the_redis_broker_two_ticks_send_once_and_retries_reach_the_webhook(
    worker_smtp, celery_worker_process, make_call, rule_make
):
    from apps.tenants.services import tenant_create

    tenant = tenant_create(slug="worker", name="Worker", timezone="UTC")
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    lossy_calls(make_call, tenant, n=1, when=(now - dt.timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M:%S"))
    with WebhookTarget(SECRET, statuses=[500, 500]) as target:
        rule_make(
            tenant,
            "loss",
            params={"value": 5},
            actions=[
                {"type": "email", "to": ["oncall@example.com"]},
                {"type": "webhook", "url": target.url, "secret": SECRET},
            ],
        )
        alerts_tenant_evaluate_task.delay(tenant.pk, now.isoformat())
        alerts_tenant_evaluate_task.delay(tenant.pk, now.isoformat())  # a second beat tick, same window
        wait_for(lambda: AlertAttempt.objects.filter(action_type="webhook", ok=True).exists(), timeout=90)
        time.sleep(2)
    assert AlertEvent.objects.count() == 1
    assert [r[3] for r in target.received] == [True, True, True]
    assert list(
        AlertAttempt.objects.filter(action_type="webhook").values_list("status_code", flat=True).order_by("id")
    ) == [500, 500, 200]
    assert [m["To"] for m in worker_smtp.wait(1)] == ["oncall@example.com"]
