"""Thin tasks: beat starts a round every minute (one task per tenant), events are delivered with retries."""

from celery import shared_task
from django.conf import settings


@shared_task(name="alerts.round", acks_late=True, reject_on_worker_lost=True)
def alerts_round_task():
    from .evaluation import window_end
    from .selectors import tenants_for_round

    end = window_end().isoformat()
    for tenant in tenants_for_round():
        alerts_tenant_evaluate_task.delay(tenant.pk, end)


@shared_task(name="alerts.tenant_evaluate", acks_late=True, reject_on_worker_lost=True)
def alerts_tenant_evaluate_task(tenant_id, end):
    import datetime as dt

    from .evaluation import tenant_evaluate
    from .selectors import tenant_by_id

    events = tenant_evaluate(tenant=tenant_by_id(tenant_id=tenant_id), end=dt.datetime.fromisoformat(end))
    return [event.pk for event in events]


@shared_task(name="alerts.event_deliver", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def alert_event_deliver_task(self, tenant_id, event_id):
    from .delivery import DeliveryFailed, alert_event_deliver

    try:
        return alert_event_deliver(tenant_id=tenant_id, event_id=event_id)
    except DeliveryFailed as exc:
        if self.request.retries >= settings.VOIPMON_ALERTS_MAX_RETRIES:
            return "failed"
        countdown = settings.VOIPMON_ALERTS_RETRY_SECONDS * 2**self.request.retries
        retry = self.retry(exc=exc, countdown=countdown, throw=not self.request.is_eager)
        return retry.sig.apply().result  # run eagerly (no broker): the retry runs inline, now
