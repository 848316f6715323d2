from celery import shared_task

from apps.core.jobs import BUSY, MISSING, job_retry_countdown


@shared_task(name="capture.upload_run", bind=True, max_retries=120)
def capture_upload_run(self, upload_id):
    """Acked only when done: a worker killed here gets the upload delivered again (docs/operations.md)."""
    from .services import capture_upload_process

    outcome = capture_upload_process(upload_id=upload_id)
    if outcome in (BUSY, MISSING) and not self.app.conf.task_always_eager:
        raise self.retry(countdown=job_retry_countdown(outcome))
    return outcome


@shared_task(name="capture.uploads_requeue")
def capture_uploads_requeue_task():
    from .services import capture_uploads_requeue

    return capture_uploads_requeue()
