from celery import shared_task

from apps.core.jobs import BUSY, MISSING, job_retry_countdown


@shared_task(name="media.export_run", bind=True, max_retries=120)
def export_run(self, job_id):
    """Acked only when done: a worker killed here gets the export delivered again (docs/operations.md)."""
    from .services import export_process

    outcome = export_process(job_id=job_id)
    if outcome in (BUSY, MISSING) and not self.app.conf.task_always_eager:
        raise self.retry(countdown=job_retry_countdown(outcome))
    return outcome


@shared_task(name="media.exports_purge")
def exports_purge_run():
    from .services import exports_purge

    return exports_purge()


@shared_task(name="media.exports_requeue")
def exports_requeue_task():
    from .services import exports_requeue

    return exports_requeue()
