"""Celery's edge of the media app: each task only calls its service (imported inside the body).

The registered names (`media.export_run`, `media.exports_purge`) are what workers and the beat
schedule in settings know; they stay as they are.
"""

from celery import shared_task


@shared_task(name="media.export_run")
def export_process_task(job_id):
    from .services import export_process

    return export_process(job_id=job_id)


@shared_task(name="media.exports_purge")
def exports_purge_task():
    from .services import exports_purge

    return exports_purge()
