"""Where the listener's per-second active-call figures live when Redis is configured.

One Redis hash per (tenant, sensor), replaced atomically every second and expiring after
``VOIPMON_LIVE_STALE_SECONDS``: when the listener stops, its calls disappear by themselves. Without
Redis (the embedded default) the figures are the ``state`` column of the ActiveCall rows.
"""

import functools

import redis
from django.conf import settings

PREFIX = "voipmon:live"


@functools.cache
def _client(url):
    return redis.Redis.from_url(url)


def redis_store():
    url = getattr(settings, "VOIPMON_LIVE_REDIS_URL", "")
    return RedisLiveStore(_client(url)) if url else None


class RedisLiveStore:
    def __init__(self, client):
        self.client = client

    @staticmethod
    def key(tenant_id, id_sensor):
        return f"{PREFIX}:{tenant_id}:{id_sensor}"

    def publish(self, tenant_id, id_sensor, states, ttl):
        """Replace one sensor's call states ({callref: JSON bytes}) in one MULTI."""
        key = self.key(tenant_id, id_sensor)
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(key)
        if states:
            pipe.hset(key, mapping=states)
            pipe.expire(key, ttl)
        pipe.execute()

    def states(self, keys):
        """The JSON state of each (tenant, sensor, callref), or None where the listener has none."""
        pipe = self.client.pipeline(transaction=False)
        for tenant_id, id_sensor, callref in keys:
            pipe.hget(self.key(tenant_id, id_sensor), callref)
        return pipe.execute() if keys else []
