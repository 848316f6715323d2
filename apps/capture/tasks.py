from celery import shared_task

from .services import capture_upload_process


@shared_task(name="capture.upload_run")
def capture_upload_run(upload_id):
    return capture_upload_process(upload_id=upload_id)
