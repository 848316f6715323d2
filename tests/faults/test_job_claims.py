"""What a delivery of a job's message does, whatever state the job is in: the rules that make Celery's
redelivery after a lost worker safe (apps/core/jobs.py). The real kill is in test_worker_killed.py."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.services import apitoken_issue
from apps.capture.models import CaptureUpload
from apps.capture.services import capture_upload_process
from apps.cdr.models import Cdr
from apps.users.services import user_create
from tests.capture.reference import capture_path
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued_upload(tenant_a, settings, tmp_path, django_capture_on_commit_callbacks):
    """An upload of a real two-call capture, stored and queued, its task not run yet."""
    settings.MEDIA_ROOT = tmp_path / "media"
    user = user_create(username="ops", tenant=tenant_a, password=PASSWORD, flags={"can_upload_pcap": True})
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {apitoken_issue(user=user)}")
    capture = capture_path("sip_dtmf_rfc2833_via_proxy")
    with django_capture_on_commit_callbacks(execute=False):
        created = client.post(
            "/api/v1/captures/",
            {"file": SimpleUploadedFile(capture.name, capture.read_bytes()), "id_sensor": 1},
            format="multipart",
        )
    assert created.status_code == 202
    return CaptureUpload.objects.get(pk=created.json()["id"])


def set_state(upload, **fields):
    CaptureUpload.objects.filter(pk=upload.pk).update(**fields)


def test_a_finished_job_delivered_again_does_nothing(queued_upload, tenant_a):
    assert capture_upload_process(upload_id=queued_upload.pk) == "done"
    first = CaptureUpload.objects.get(pk=queued_upload.pk)
    assert capture_upload_process(upload_id=queued_upload.pk) == "finished"
    again = CaptureUpload.objects.get(pk=queued_upload.pk)
    assert (again.attempts, again.finished_at, again.summary) == (1, first.finished_at, first.summary)
    assert Cdr.objects.filter(tenant=tenant_a).count() == 2


def test_a_live_run_is_left_alone(queued_upload, tenant_a):
    set_state(queued_upload, status="running", attempts=1, heartbeat_at=timezone.now())
    assert capture_upload_process(upload_id=queued_upload.pk) == "busy"
    assert CaptureUpload.objects.get(pk=queued_upload.pk).attempts == 1
    assert not Cdr.objects.filter(tenant=tenant_a).exists()


def test_a_run_whose_heartbeat_went_silent_is_taken_over(queued_upload, tenant_a, settings):
    silent = timezone.now() - dt.timedelta(seconds=settings.VOIPMON_JOB_LEASE_SECONDS + 1)
    set_state(queued_upload, status="running", attempts=1, heartbeat_at=silent)
    assert capture_upload_process(upload_id=queued_upload.pk) == "done"
    assert CaptureUpload.objects.get(pk=queued_upload.pk).attempts == 2
    assert Cdr.objects.filter(tenant=tenant_a).count() == 2


def test_a_job_interrupted_too_often_fails_with_the_reason(queued_upload, tenant_a, settings):
    silent = timezone.now() - dt.timedelta(seconds=settings.VOIPMON_JOB_LEASE_SECONDS + 1)
    set_state(queued_upload, status="running", attempts=settings.VOIPMON_JOB_MAX_ATTEMPTS, heartbeat_at=silent)
    assert capture_upload_process(upload_id=queued_upload.pk) == "finished"
    failed = CaptureUpload.objects.get(pk=queued_upload.pk)
    assert failed.status == "failed" and "interrupted runs" in failed.error and failed.finished_at
    assert not Cdr.objects.filter(tenant=tenant_a).exists()


def test_a_message_for_a_job_not_committed_yet_is_missing():
    assert capture_upload_process(upload_id=10**9) == "missing"
