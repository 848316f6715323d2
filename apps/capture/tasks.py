"""Celery's edge of the capture app: each task only calls its service (imported inside the body)."""

from celery import shared_task


@shared_task(name="capture.upload_run", bind=True, max_retries=120)
def capture_upload_process_task(self, upload_id):
    """Acked only when done: a worker killed here gets the upload delivered again (docs/operations.md)."""
    from apps.core.jobs import job_task_run

    from .services import capture_upload_process

    return job_task_run(self, lambda pk: capture_upload_process(upload_id=pk), upload_id)


@shared_task(name="capture.uploads_requeue")
def capture_uploads_requeue_task():
    from .services import capture_uploads_requeue

    return capture_uploads_requeue()
