"""Queueing background work so that a dead task queue refuses the request instead of losing the job.

With a broker, the message is published while the request's transaction is still open: if Redis is
down the publish fails, the transaction rolls back and the client gets 503 with nothing created. A
task can therefore arrive before the row it names is committed; job_claim answers MISSING and the
task retries for a short while. Without a broker (the embedded default) the task runs in-process
after commit, as before.
"""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .faults import queue_unavailable_error

log = logging.getLogger(__name__)
PUBLISH_ERRORS = (KombuOperationalError, RedisConnectionError, RedisTimeoutError, OSError)
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0.1, "interval_step": 0.2, "interval_max": 0.3}


def task_enqueue(task, *args):
    if task.app.conf.task_always_eager:
        transaction.on_commit(lambda: task.delay(*args))
        return
    try:
        task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY)
    except PUBLISH_ERRORS as exc:
        log.warning("cannot queue %s%r: %s", task.name, args, exc)
        raise queue_unavailable_error() from None
