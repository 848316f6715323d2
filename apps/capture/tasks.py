"""Celery's edge of the capture app: each task only calls its service (imported inside the body)."""

from celery import shared_task


@shared_task(name="capture.upload_run")
def capture_upload_process_task(upload_id):
    from .services import capture_upload_process

    return capture_upload_process(upload_id=upload_id)
