"""Every write of the media app: zip exports built in Celery, their progress, expiry and clean-up.

Bundles up to `VOIPMON_MEDIA_STREAM_MAX_FILES` calls stream straight to the client; larger ones
become an ExportJob whose zip a Celery worker writes to storage (the same streaming zip writer, so
memory stays flat whatever the number of files), downloadable until `expires_at`.
"""

import datetime as dt
import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.exceptions import AppError, InvalidInput
from apps.core.faults import database_unavailable, storage_full, storage_full_error
from apps.core.jobs import CLAIMED, JobHeartbeat, job_claim, job_finish, jobs_requeue
from apps.core.queueing import task_enqueue
from apps.core.storage import storage_save
from apps.core.values import truthy
from apps.users.actor import actor_from_ids

from .access import MediaFile, require_audio_download, require_pcap
from .bundle import zip_bundle_write
from .callfiles import ZIP_TYPE, file_chunks, pcap_bundle_entries, zip_file
from .models import ExportJob
from .recordings import recording_bundle_entries
from .selectors import media_cdrs_get
from .tasks import export_process_task

log = logging.getLogger(__name__)
FORMATS = ("wav", "ogg")


def export_options_clean(kind, options):
    """The options a bundle of `kind` understands, validated; unknown kinds and formats are errors."""
    options = options or {}
    if kind == ExportJob.PCAP:
        return {"disable_rtp": truthy(options.get("disable_rtp"))}
    if kind == ExportJob.AUDIO:
        fmt = str(options.get("format") or "wav").lower()
        if fmt not in FORMATS:
            raise InvalidInput(_("format must be wav or ogg, not %(value)s.") % {"value": fmt[:20]})
        return {"format": fmt, "after_connect": truthy(options.get("after_connect"))}
    raise InvalidInput(_("kind must be pcap or audio, not %(value)s.") % {"value": str(kind)[:20]})


def bundle_check(*, actor, kind):
    require_pcap(actor) if kind == ExportJob.PCAP else require_audio_download(actor)


def bundle_entries(*, actor, kind, cdrs, options):
    if kind == ExportJob.PCAP:
        return pcap_bundle_entries(actor=actor, cdrs=cdrs, sip_only=options["disable_rtp"])
    return recording_bundle_entries(
        actor=actor, cdrs=cdrs, fmt=options["format"], after_connect=options["after_connect"]
    )


def bundle_file(*, actor, kind, cdr_ids, options) -> MediaFile:
    """A small bundle, streamed in the request."""
    options = export_options_clean(kind, options)
    bundle_check(actor=actor, kind=kind)
    cdrs = media_cdrs_get(actor=actor, cdr_ids=cdr_ids)
    return zip_file(f"{kind}-{len(cdrs)}-calls", bundle_entries(actor=actor, kind=kind, cdrs=cdrs, options=options))


def export_create(*, actor, kind, cdr_ids, options) -> ExportJob:
    """Check what can be checked now (flags, every call visible), store the job, queue it after commit."""
    options = export_options_clean(kind, options)
    bundle_check(actor=actor, kind=kind)
    media_cdrs_get(actor=actor, cdr_ids=cdr_ids)
    with transaction.atomic():
        job = ExportJob.objects.create(
            tenant_id=actor.tenant_id, created_by_id=actor.user_id, kind=kind, cdr_ids=list(cdr_ids), options=options
        )
        task_enqueue(export_process_task, job.pk)  # the task queue down: 503, and the job is rolled back
    return job


def _progress_writer(beat, total):
    last = [0.0]

    def progress(done, _total):
        percent = round(100.0 * done / total, 1) if total else 100.0
        if percent - last[0] >= 2 or done == total:
            last[0] = percent
            beat(files_done=done, progress=min(percent, 99.9))
        else:
            beat()

    return progress


def export_file_name(job, attempt):
    return f"exports/{job.tenant_id}/{job.pk}-{attempt}.zip"


def export_process(*, job_id):
    """Build one job's zip as its owner (rebuilt from the id, so today's permissions apply).

    The zip is built in a temporary file and stored under a name of this run's own; what runs killed
    while storing theirs left is removed, and a full disk fails the job with the reason and keeps no
    partial zip.
    Returns the job's outcome ("missing" / "busy": the task comes back later)."""
    outcome, attempt = job_claim(model=ExportJob, pk=job_id)
    if outcome != CLAIMED:
        return outcome
    job = ExportJob.objects.get(pk=job_id)
    beat = JobHeartbeat(model=ExportJob, pk=job_id)
    beat(progress=0, files_done=0)
    finish = {}
    try:
        actor = actor_from_ids(job.created_by_id)
        bundle_check(actor=actor, kind=job.kind)
        cdrs = media_cdrs_get(actor=actor, cdr_ids=job.cdr_ids)
        entries = bundle_entries(actor=actor, kind=job.kind, cdrs=cdrs, options=job.options)
        for earlier in range(1, attempt):  # what runs killed while storing their zip left behind
            default_storage.delete(export_file_name(job, earlier))
        name = export_file_name(job, attempt)
        with tempfile.TemporaryFile() as handle:
            size = zip_bundle_write(handle, entries, total=len(cdrs), progress=_progress_writer(beat, len(cdrs)))
            handle.seek(0)
            stored = storage_save(name, File(handle, name=name), replace=True)
        ttl = dt.timedelta(seconds=settings.VOIPMON_MEDIA_EXPORT_TTL_SECONDS)
        finish = {
            "status": ExportJob.DONE,
            "progress": 100.0,
            "files_done": len(cdrs),
            "file_name": stored,
            "size": size,
            "expires_at": timezone.now() + ttl,
        }
    except AppError as exc:
        finish = {"status": ExportJob.FAILED, "error": exc.message}
    except Exception as exc:
        if database_unavailable(exc):
            raise  # the database went away: the task resumes the job once it is back
        if storage_full(exc):  # the temporary zip did not fit
            finish = {"status": ExportJob.FAILED, "error": storage_full_error(exc).message}
        else:
            log.exception("export %s failed", job_id)
            finish = {"status": ExportJob.FAILED, "error": _("The export failed; the server log has the details.")}
    if not job_finish(model=ExportJob, pk=job_id, attempt=attempt, **finish) and finish.get("file_name"):
        default_storage.delete(finish["file_name"])  # a later run took the job over: its zip is the one kept
    return finish["status"]


def export_download(*, job) -> MediaFile:
    """The finished zip; 409 while it is being built, 410 once it has expired."""
    if job.status == ExportJob.FAILED:
        raise AppError(
            _("Export %(id)s failed: %(error)s") % {"id": job.pk, "error": job.error}, code="failed", status=409
        )
    if job.status != ExportJob.DONE:
        raise AppError(
            _("Export %(id)s is not ready yet (%(progress)s %%).") % {"id": job.pk, "progress": job.progress},
            code="not_ready",
            status=409,
        )
    if job.expires_at <= timezone.now() or not job.file_name or not default_storage.exists(job.file_name):
        export_expire(job=job)
        raise AppError(_("Export %(id)s has expired; create it again.") % {"id": job.pk}, code="expired", status=410)
    return MediaFile(f"export-{job.pk}.zip", ZIP_TYPE, file_chunks(default_storage.path(job.file_name)))


def export_expire(*, job):
    if job.file_name:
        default_storage.delete(job.file_name)
    ExportJob.objects.filter(pk=job.pk).update(file_name="")


def exports_purge(*, now=None) -> int:
    """Delete the zips of expired exports (the job rows stay, so a late download gets 410)."""
    now = now or timezone.now()
    expired = ExportJob.objects.filter(expires_at__lte=now).exclude(file_name="")
    count = 0
    for job in expired:
        export_expire(job=job)
        count += 1
    return count


def exports_requeue() -> int:
    """Queue again the exports whose message may have been lost (see apps.core.jobs.jobs_requeue)."""
    return jobs_requeue(model=ExportJob, task=export_process_task)
