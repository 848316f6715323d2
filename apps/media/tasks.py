from celery import shared_task

from .services import export_process, exports_purge


@shared_task(name="media.export_run")
def export_run(job_id):
    return export_process(job_id=job_id)


@shared_task(name="media.exports_purge")
def exports_purge_run():
    return exports_purge()
