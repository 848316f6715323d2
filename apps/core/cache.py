"""The cache keeps answering when Redis is down: reads miss, writes are dropped, a warning is logged.

Nothing voipmon keeps in the cache is needed to answer a request (the legacy credential cache only
saves a password hash check, and the sign-in counters fall back to their durable store), so a dead
or unreachable Redis must not turn every search into an error. Short socket timeouts (settings) keep
a hung Redis from holding requests.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
WARN_EVERY_SECONDS = 30.0
_last_warning = [0.0]


def _warn(operation, exc):
    now = time.monotonic()
    if now - _last_warning[0] >= WARN_EVERY_SECONDS:
        _last_warning[0] = now
        log.warning("cache unavailable (%s: %s); answering without it", operation, exc)


def _tolerant(name, fallback):
    method = getattr(RedisCache, name)

    def wrapped(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNAVAILABLE as exc:
            _warn(name, exc)
            return fallback(*args, **kwargs)

    wrapped.__name__ = name
    return wrapped


def _missing_counter(key, *args, **kwargs):
    raise ValueError(f"Key {key!r} not found (the cache is unavailable).")


class ResilientRedisCache(RedisCache):
    get = _tolerant("get", lambda key, default=None, version=None: default)
    get_many = _tolerant("get_many", lambda keys, version=None: {})
    has_key = _tolerant("has_key", lambda key, version=None: False)
    set = _tolerant("set", lambda *args, **kwargs: None)
    set_many = _tolerant("set_many", lambda data, *args, **kwargs: list(data))
    add = _tolerant("add", lambda *args, **kwargs: False)
    touch = _tolerant("touch", lambda *args, **kwargs: False)
    delete = _tolerant("delete", lambda *args, **kwargs: False)
    delete_many = _tolerant("delete_many", lambda *args, **kwargs: None)
    incr = _tolerant("incr", _missing_counter)
    clear = _tolerant("clear", lambda: False)
