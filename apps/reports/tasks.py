"""Thin tasks: beat fires schedules, a run is delivered (acks late, retried with backoff), old runs purged."""

from celery import shared_task
from django.conf import settings


@shared_task(name="reports.schedule_fire", acks_late=True, reject_on_worker_lost=True)
def schedule_fire_task(schedule_id):
    from .delivery import schedule_fire

    run_id = schedule_fire(schedule_id=schedule_id)
    if run_id is not None:
        run_deliver_task.delay(run_id)
    return run_id


@shared_task(name="reports.run_deliver", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def run_deliver_task(self, run_id):
    from .delivery import DeliveryFailed, run_deliver

    try:
        return run_deliver(run_id=run_id)
    except DeliveryFailed as exc:
        if self.request.retries >= settings.VOIPMON_REPORTS_MAX_RETRIES:
            return "failed"
        raise self.retry(exc=exc, countdown=settings.VOIPMON_REPORTS_RETRY_SECONDS * 2**self.request.retries) from None


@shared_task(name="reports.runs_purge")
def runs_purge_task():
    from .delivery import runs_purge

    return runs_purge()
