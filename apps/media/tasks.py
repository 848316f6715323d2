"""Celery's edge of the media app: each task only calls its service (imported inside the body).

The registered names (`media.export_run`, `media.exports_purge`, `media.exports_requeue`) are what
workers and the beat schedule in settings know; they stay as they are.
"""

from celery import shared_task


@shared_task(name="media.export_run", bind=True, max_retries=120)
def export_process_task(self, job_id):
    """Acked only when done: a worker killed here gets the export delivered again (docs/operations.md)."""
    from apps.core.jobs import job_task_run

    from .services import export_process

    return job_task_run(self, lambda pk: export_process(job_id=pk), job_id)


@shared_task(name="media.exports_purge")
def exports_purge_task():
    from .services import exports_purge

    return exports_purge()


@shared_task(name="media.exports_requeue")
def exports_requeue_task():
    from .services import exports_requeue

    return exports_requeue()
