"""Zip bundles: small ones stream at once, larger ones are Celery jobs with progress, downloadable until expiry."""

import datetime as dt
import io
import wave

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from legacy_client import body_of, file_of, zip_members

from apps.media.callfiles import pcap_path
from apps.media.models import ExportJob
from apps.media.services import exports_purge
from tests.celery_worker import wait_for

G711U = "sip_g711u_call_both_ways_loss_bye.pcap"
B2BUA = "sip_b2bua_asterisk_two_legs.pcapng"


@pytest.fixture
def calls(import_capture):
    return import_capture(G711U) + import_capture(B2BUA) + import_capture("sip_rtp_g729a.pcap")


def post(client, **body):
    return client.post("/api/v1/exports/", body, format="json")


@pytest.mark.django_db
def test_small_bundle_streams_at_once(calls, media_user, rest):
    response = post(rest(media_user), kind="pcap", cdr_ids=[c.pk for c in calls])
    members = zip_members(file_of(response, "application/zip"))
    assert sorted(members.values()) == sorted(open(pcap_path(c), "rb").read() for c in calls)
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_large_bundle_is_a_job_with_progress_and_a_download(
    calls, media_user, rest, settings, django_capture_on_commit_callbacks
):
    settings.VOIPMON_MEDIA_STREAM_MAX_FILES = 2
    client = rest(media_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, kind="audio", cdr_ids=[c.pk for c in calls], format="wav")
    assert response.status_code == 202, response.content
    status = client.get(f"/api/v1/exports/{response.json()['id']}/").json()
    assert status["status"] == "done" and status["progress"] == 100 and status["files_done"] == status["total"] == 4
    members = zip_members(body_of(client.get(status["download_url"])))
    assert sorted(members) == sorted(f"{c.pk}.wav" for c in calls)
    with wave.open(io.BytesIO(members[f"{calls[0].pk}.wav"])) as w:
        assert w.getnchannels() == 2 and abs(w.getnframes() / w.getframerate() - calls[0].duration) < 0.05


@pytest.mark.django_db
def test_expired_export_is_410_and_purged(calls, media_user, rest, django_capture_on_commit_callbacks):
    client = rest(media_user)
    with django_capture_on_commit_callbacks(execute=True):
        job_id = post(client, kind="pcap", cdr_ids=[calls[0].pk], run_async=True).json()["id"]
    job = ExportJob.objects.get(pk=job_id)
    assert job.status == "done" and default_storage.exists(job.file_name)
    ExportJob.objects.filter(pk=job_id).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert exports_purge() == 1 and not default_storage.exists(job.file_name)
    gone = client.get(f"/api/v1/exports/{job_id}/download/")
    assert gone.status_code == 410 and "expired" in gone.json()["detail"]


@pytest.mark.django_db
def test_exports_are_private_and_checked(
    calls, media_user, make_user, rest, tenant_b, django_capture_on_commit_callbacks
):
    client = rest(media_user)
    with django_capture_on_commit_callbacks(execute=True):
        job_id = post(client, kind="pcap", cdr_ids=[calls[0].pk], run_async=True).json()["id"]
    colleague = rest(make_user("cole", {"can_cdr": True, "can_pcap": True}))
    assert colleague.get(f"/api/v1/exports/{job_id}/").status_code == 404
    assert colleague.get(f"/api/v1/exports/{job_id}/download").status_code == 404
    other = rest(make_user("bea", {"can_cdr": True, "can_pcap": True}, tenant=tenant_b))
    foreign = post(other, kind="pcap", cdr_ids=[calls[0].pk], run_async=True)
    assert foreign.status_code == 404 and not ExportJob.objects.filter(tenant=tenant_b).exists()
    assert post(rest(make_user("pia", {"can_cdr": True})), kind="audio", cdr_ids=[1]).status_code == 403
    too_many = post(client, kind="pcap", cdr_ids=list(range(1, 10_002)))
    assert too_many.status_code == 400 and "at most 1000" in str(too_many.json())
    assert post(client, kind="video", cdr_ids=[calls[0].pk]).status_code == 400


@pytest.mark.django_db
def test_a_job_whose_file_went_missing_fails_with_the_reason(
    calls, media_user, rest, django_capture_on_commit_callbacks
):
    import os

    os.remove(pcap_path(calls[1]))
    client = rest(media_user)
    with django_capture_on_commit_callbacks(execute=True):
        job_id = post(client, kind="pcap", cdr_ids=[c.pk for c in calls], run_async=True).json()["id"]
    status = client.get(f"/api/v1/exports/{job_id}/").json()
    assert status["status"] == "failed" and f"call {calls[1].pk} is not available" in status["error"]
    assert client.get(f"/api/v1/exports/{job_id}/download/").status_code == 409


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_export_runs_on_a_real_worker(celery_worker_process, import_capture, media_user, rest, settings):
    settings.VOIPMON_MEDIA_STREAM_MAX_FILES = 1
    calls = import_capture(G711U) + import_capture(B2BUA)
    client = rest(media_user)
    response = post(client, kind="audio", cdr_ids=[c.pk for c in calls], format="ogg")
    assert response.status_code == 202
    url = f"/api/v1/exports/{response.json()['id']}/"
    final = wait_for(lambda: (b := client.get(url).json())["status"] in ("done", "failed") and b)
    assert final["status"] == "done", final
    members = zip_members(body_of(client.get(final["download_url"])))
    assert sorted(members) == sorted(f"{c.pk}.ogg" for c in calls)
    assert all(data[:4] == b"OggS" for data in members.values())
