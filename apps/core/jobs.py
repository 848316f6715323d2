"""Background jobs that survive a killed worker: claimed with a lease, kept alive by a heartbeat.

Celery acknowledges a message only after its task has run (`acks_late`), so a worker killed in the
middle of a job leaves the message to be delivered again. The job row decides what that delivery
does: a finished job is not run twice; a job whose heartbeat is fresh still belongs to a live
worker (the delivery comes back later); a job whose heartbeat went silent for the lease is taken
over. After `VOIPMON_JOB_MAX_ATTEMPTS` interrupted runs it fails with the reason instead of looping.

A job model has `status` (queued/running/done/failed), `attempts`, `heartbeat_at`, `error`,
`finished_at`. Runs write only through these functions and the job's own service.
"""

import datetime as dt
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .faults import database_unavailable

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
CLAIMED, FINISHED, BUSY, MISSING = "claimed", "finished", "busy", "missing"


def job_claim(*, model, pk):
    """Take job `pk` for this run. Returns (outcome, attempt): CLAIMED with the attempt number, or
    FINISHED (nothing to do), BUSY (a live run holds it: deliver again later), MISSING (not committed
    yet, or deleted)."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.VOIPMON_JOB_LEASE_SECONDS)
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=pk).values("status", "attempts", "heartbeat_at").first()
        if row is None:
            return MISSING, 0
        if row["status"] in (DONE, FAILED):
            return FINISHED, row["attempts"]
        if row["status"] == RUNNING and row["heartbeat_at"] and row["heartbeat_at"] > stale:
            return BUSY, row["attempts"]
        if row["attempts"] >= settings.VOIPMON_JOB_MAX_ATTEMPTS:
            message = _(
                "Stopped after %(count)s interrupted runs (the worker was lost while running it each time); "
                "see the worker's log, then create it again."
            ) % {"count": row["attempts"]}
            model.objects.filter(pk=pk).update(status=FAILED, error=message, finished_at=now)
            return FINISHED, row["attempts"]
        model.objects.filter(pk=pk).update(status=RUNNING, attempts=F("attempts") + 1, heartbeat_at=now)
    return CLAIMED, row["attempts"] + 1


def job_finish(*, model, pk, attempt, **fields) -> bool:
    """Record the end of run `attempt`; False if another run took the job over meanwhile (then this run's
    result must be discarded)."""
    fields.setdefault("finished_at", timezone.now())
    return bool(model.objects.filter(pk=pk, status=RUNNING, attempts=attempt).update(**fields))


class JobHeartbeat:
    """Call it often (each file, each call, each progress step): it writes the heartbeat, with any
    fields given, at most every quarter lease, so a live run never looks abandoned."""

    def __init__(self, *, model, pk):
        self.model, self.pk = model, pk
        self.every = max(0.5, settings.VOIPMON_JOB_LEASE_SECONDS / 4)
        self.last = time.monotonic()

    def __call__(self, **fields):
        now = time.monotonic()
        if fields or now - self.last >= self.every:
            self.last = now
            self.model.objects.filter(pk=self.pk).update(heartbeat_at=timezone.now(), **fields)


def job_retry_countdown(outcome):
    """Seconds before a task whose job was MISSING (not committed yet) or BUSY (a live run) looks again."""
    return 1 if outcome == MISSING else max(1, min(30, settings.VOIPMON_JOB_LEASE_SECONDS // 2))


DATABASE_RETRY_SECONDS = 5


def job_task_run(task, process, pk):
    """The body of a job's Celery task: run `process(pk)`; come back later when the job is not committed
    yet, held by a live run, or when the database went away under it (restarting: the job is resumed,
    not failed, and the run after it takes over once the lease has run out)."""
    eager = task.app.conf.task_always_eager
    try:
        outcome = process(pk)
    except Exception as exc:
        if eager or not database_unavailable(exc):
            raise
        raise task.retry(countdown=DATABASE_RETRY_SECONDS, exc=exc) from None
    if outcome in (BUSY, MISSING) and not eager:
        raise task.retry(countdown=job_retry_countdown(outcome))
    return outcome


def jobs_requeue(*, model, task, now=None, limit=200) -> int:
    """Publish again the jobs whose message may be gone: queued for longer than
    VOIPMON_JOB_REQUEUE_SECONDS (a Redis restarted without persistence loses its queue) or running with
    a heartbeat silent for longer than the lease (a lost worker; its own message only returns after the
    visibility timeout). A duplicate message is harmless: the claim runs a job once. Run by beat."""
    now = now or timezone.now()
    queued_before = now - dt.timedelta(seconds=settings.VOIPMON_JOB_REQUEUE_SECONDS)
    silent_before = now - dt.timedelta(seconds=settings.VOIPMON_JOB_LEASE_SECONDS)
    stale = model.objects.filter(status=QUEUED, created_at__lt=queued_before) | model.objects.filter(
        status=RUNNING, heartbeat_at__lt=silent_before
    )
    ids = list(stale.order_by("pk").values_list("pk", flat=True)[:limit])
    for pk in ids:
        task.apply_async(args=(pk,), retry=True)
    return len(ids)
