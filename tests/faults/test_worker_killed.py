"""A Celery worker SIGKILLed in the middle of an import and of an export: after a new worker starts, the
job finishes, with nothing half-written and nothing done twice (docs/operations.md, "Faults")."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from apps.accounts.services import apitoken_issue
from apps.capture.models import CaptureUpload
from apps.capture.services import capture_import_file
from apps.cdr.models import Cdr
from apps.media.models import ExportJob
from apps.users.services import user_create
from tests.conftest import PASSWORD

from .checks import assert_calls_whole, capture_of
from .procs import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
CALLS = 150
FLAGS = {"can_cdr": True, "can_upload_pcap": True, "can_pcap": True, "can_play_audio": True, "can_download_audio": True}


def client_of(tenant):
    user = user_create(username="ops", tenant=tenant, password=PASSWORD, flags=FLAGS)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {apitoken_issue(user=user)}")
    return client


def job_state(client, url):
    return client.get(url).json()


def test_import_killed_midway_finishes_after_restart_with_every_call_once(killable_worker, tenant_a, tmp_path):
    capture = capture_of(tmp_path / "calls.pcap", CALLS)
    client = client_of(tenant_a)
    upload = SimpleUploadedFile("calls.pcap", capture.read_bytes())
    created = client.post("/api/v1/captures/", {"file": upload, "id_sensor": 1}, format="multipart")
    assert created.status_code == 202, created.content
    url = f"/api/v1/captures/{created.json()['id']}/"

    # kill the worker while it is storing calls: some are in, most are not
    wait_until(lambda: Cdr.objects.filter(tenant=tenant_a).count() >= 10, 90, 0.01, "first calls stored")
    killable_worker.kill()
    stored_at_kill = Cdr.objects.filter(tenant=tenant_a).count()
    assert 10 <= stored_at_kill < CALLS
    state = job_state(client, url)
    assert state["status"] == "running" and state["finished_at"] is None

    killable_worker.start()
    final = wait_until(lambda: (s := job_state(client, url))["status"] in ("done", "failed") and s, 120, 0.2, "done")
    assert final["status"] == "done", final
    # the second run skipped what the first had committed and imported the rest: each call exactly once
    assert final["summary"]["duplicates"] == stored_at_kill
    assert final["summary"]["imported"] == CALLS - stored_at_kill
    cdrs = list(Cdr.objects.filter(tenant=tenant_a))
    assert len(cdrs) == CALLS and len({c.callid for c in cdrs}) == CALLS
    assert {c.callid.split("@")[0] for c in cdrs} == {f"bench-{i}" for i in range(CALLS)}
    assert_calls_whole(cdrs, killable_worker.env["VOIPMON_MEDIA_ROOT"])
    assert CaptureUpload.objects.get(pk=final["id"]).attempts == 2  # the killed run and the one that finished


def test_export_killed_midway_finishes_after_restart_with_one_whole_zip(killable_worker, tenant_a, tmp_path, settings):
    settings.VOIPMON_MEDIA_STREAM_MAX_FILES = 1
    capture_import_file(tenant=tenant_a, id_sensor=1, path=capture_of(tmp_path / "calls.pcap", CALLS))
    ids = sorted(Cdr.objects.filter(tenant=tenant_a).values_list("pk", flat=True))
    client = client_of(tenant_a)
    created = client.post("/api/v1/exports/", {"kind": "audio", "cdr_ids": ids, "format": "wav"}, format="json")
    assert created.status_code == 202, created.content
    url = f"/api/v1/exports/{created.json()['id']}/"

    wait_until(lambda: job_state(client, url)["files_done"] >= 10, 90, 0.01, "export under way")
    killable_worker.kill()
    state = job_state(client, url)
    assert state["status"] == "running" and state["files_done"] < len(ids)

    killable_worker.start()
    final = wait_until(lambda: (s := job_state(client, url))["status"] in ("done", "failed") and s, 120, 0.2, "done")
    assert final["status"] == "done", final
    body = b"".join(client.get(f"{url}download/").streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert sorted(names) == sorted(f"{pk}.wav" for pk in ids)
        assert all(archive.read(name)[:4] == b"RIFF" for name in names)
    exports = Path(killable_worker.env["VOIPMON_MEDIA_ROOT"]) / "exports"
    assert [p.name for p in exports.rglob("*") if p.is_file()] == [f"{final['id']}-2.zip"]
    assert ExportJob.objects.get(pk=final["id"]).attempts == 2


def test_an_upload_lost_with_a_restarted_redis_is_queued_again_and_runs_once(killable_worker, tenant_a, settings):
    """Redis restarted without persistence loses the queue; beat's requeue publishes the job again."""
    import redis

    from apps.capture.services import capture_uploads_requeue
    from tests.capture.reference import capture_path

    killable_worker.stop()  # no worker for now: the message waits in Redis
    client = client_of(tenant_a)
    capture = capture_path("sip_dtmf_rfc2833_via_proxy")
    upload = SimpleUploadedFile(capture.name, capture.read_bytes())
    created = client.post("/api/v1/captures/", {"file": upload, "id_sensor": 1}, format="multipart")
    assert created.status_code == 202
    queue = redis.Redis.from_url(killable_worker.redis.url(0))
    assert queue.llen("celery") == 1
    killable_worker.redis.kill()
    killable_worker.redis.start()
    assert queue.llen("celery") == 0  # the message is gone with the restart

    killable_worker.start()
    url = f"/api/v1/captures/{created.json()['id']}/"
    assert job_state(client, url)["status"] == "queued"
    settings.VOIPMON_JOB_REQUEUE_SECONDS = 0
    assert capture_uploads_requeue() == 1
    final = wait_until(lambda: (s := job_state(client, url))["status"] in ("done", "failed") and s, 60, 0.2, "done")
    assert final["status"] == "done" and final["summary"]["imported"] == 2, final
    assert capture_uploads_requeue() == 0  # a finished job is never queued again
    assert Cdr.objects.filter(tenant=tenant_a).count() == 2
