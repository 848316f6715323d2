"""Redis (the task queue and the cache) killed under a running gunicorn with production settings: searches
and media keep working; queued work (uploads, exports) is refused with a clear 503 and nothing of it is
created; once Redis is back, work is queued again (docs/operations.md, "Faults").

PostgreSQL pass only: the deployment this stands for (gunicorn, Redis broker and cache) runs on PostgreSQL,
and the private stack's server needs a database another process can see.
"""

from pathlib import Path

import psycopg
import pytest
import redis

from .conftest import CAPTURES
from .http import call_ids, legacy, rest_get, rest_post_file, rest_post_json

pytestmark = pytest.mark.postgres
PCAP_MAGIC = (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4")


def queued_rows(stack):
    with psycopg.connect(stack.pg.url()) as db:
        return (
            db.execute("SELECT count(*) FROM capture_captureupload").fetchone()[0],
            db.execute("SELECT count(*) FROM media_exportjob").fetchone()[0],
        )


def uploaded_files(stack):
    return sorted(str(p) for p in (Path(stack.media) / "uploads").rglob("*") if p.is_file())


def test_with_redis_down_searches_and_media_work_and_queued_work_is_refused(private_stack):
    stack = private_stack
    ids = call_ids(stack)
    assert len(ids) >= stack.imported
    capture = (CAPTURES / "sip_rtp_g729a.pcap").read_bytes()
    before = queued_rows(stack), uploaded_files(stack)

    stack.redis.kill()
    try:
        # searches: REST and legacy, with a password sign-in that would use the (now dead) cache
        listed = rest_get(stack, "/api/v1/calls/")
        assert listed.status == 200 and listed.json()["count"] == len(ids)
        for _ in range(2):  # the second sign-in would be a credential-cache hit
            found = legacy(stack, "getVoipCalls", {"startTime": "2000-01-01"})
            assert found.json()["success"] is True, found.body[:500]
            assert sorted(int(row["cdrId"]) for row in found.json()["cdr"]) == ids
        # media: a call's pcap over REST and over the legacy API
        pcap = rest_get(stack, f"/api/v1/calls/{ids[0]}/pcap/")
        assert pcap.status == 200 and pcap.body[:4] in PCAP_MAGIC
        legacy_pcap = legacy(stack, "getPCAP", {"cdrId": ids[0]})
        assert legacy_pcap.status == 200 and legacy_pcap.body[:4] in PCAP_MAGIC

        # queued work: refused with 503 and a message, nothing created
        upload = rest_post_file(stack, "/api/v1/captures/", {"id_sensor": "1"}, "call.pcap", capture)
        export = rest_post_json(stack, "/api/v1/exports/", {"kind": "pcap", "cdr_ids": ids, "run_async": True})
        for refused in (upload, export):
            assert refused.status == 503, (refused.status, refused.body[:500])
            assert refused.json()["code"] == "queue_unavailable" and "task queue" in refused.json()["detail"]
            assert refused.headers["Retry-After"]
        assert (queued_rows(stack), uploaded_files(stack)) == before
        assert "cache unavailable" in stack.server.output()  # the sign-ins above did meet the dead cache
    finally:
        stack.redis.start()

    # Redis is back (empty, as after a restart without persistence): work is queued again
    accepted = rest_post_file(stack, "/api/v1/captures/", {"id_sensor": "1"}, "call.pcap", capture)
    assert accepted.status == 202, (accepted.status, accepted.body[:500])
    assert redis.Redis.from_url(stack.redis.url(0)).llen("celery") == 1  # the message waits for a worker
    assert queued_rows(stack)[0] == before[0][0] + 1
