"""REST uploads: POST /api/v1/captures/ queues the import in Celery; the resource shows progress and result."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from apps.accounts.services import apitoken_issue
from apps.cdr.models import Cdr
from apps.users.services import user_create
from tests.celery_worker import wait_for
from tests.conftest import PASSWORD

from .reference import CAPTURES, capture_path

if not CAPTURES.is_dir():
    pytest.skip(f"shared captures not found at {CAPTURES}", allow_module_level=True)


def client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {apitoken_issue(user=user)}")
    return client


def upload_file(name="sip_rtp_g729a"):
    path = capture_path(name)
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/vnd.tcpdump.pcap")


@pytest.fixture
def uploader(tenant_a):
    return user_create(
        username="upl", tenant=tenant_a, password=PASSWORD, flags={"can_upload_pcap": True, "can_cdr": True}
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
def test_upload_imports_and_reports(uploader, tenant_a, django_capture_on_commit_callbacks):
    client = client_for(uploader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/captures/", {"file": upload_file(), "id_sensor": 1}, format="multipart")
    assert response.status_code == 202, response.content
    status = client.get(f"/api/v1/captures/{response.json()['id']}/").json()
    assert status["status"] == "done" and status["progress"] == 100
    assert status["summary"]["imported"] == 1
    assert len(client.get("/api/v1/calls/").json()["results"]) == 1


@pytest.mark.django_db
def test_upload_of_a_non_capture_fails_clearly(uploader, django_capture_on_commit_callbacks):
    client = client_for(uploader)
    junk = SimpleUploadedFile("junk.pcap", b"GET / HTTP/1.1\r\n" * 100)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/captures/", {"file": junk, "id_sensor": 1}, format="multipart").json()
    status = client.get(f"/api/v1/captures/{created['id']}/").json()
    assert status["status"] == "failed" and "Not a pcap" in status["error"]
    assert not Cdr.objects.exists()


@pytest.mark.django_db
def test_upload_needs_the_flag_and_a_known_sensor(tenant_a, user_a, uploader):
    denied = client_for(user_a).post("/api/v1/captures/", {"file": upload_file(), "id_sensor": 1}, format="multipart")
    assert denied.status_code == 403 and "can_upload_pcap" in denied.json()["detail"]
    wrong = client_for(uploader).post("/api/v1/captures/", {"file": upload_file(), "id_sensor": 42}, format="multipart")
    assert wrong.status_code == 400 and "Sensor 42" in wrong.json()["detail"]
    missing = client_for(uploader).post("/api/v1/captures/", {"id_sensor": 1}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()


@pytest.mark.django_db
def test_oversized_upload_is_413(uploader, settings):
    settings.VOIPMON_CAPTURE_MAX_UPLOAD_BYTES = 1000
    response = client_for(uploader).post(
        "/api/v1/captures/", {"file": upload_file(), "id_sensor": 1}, format="multipart"
    )
    assert response.status_code == 413 and "limited to 1000 bytes" in response.json()["detail"]


@pytest.mark.django_db
def test_other_tenants_upload_is_404(uploader, tenant_b, django_capture_on_commit_callbacks):
    other = user_create(username="upl-b", tenant=tenant_b, password=PASSWORD, flags={"can_upload_pcap": True})
    with django_capture_on_commit_callbacks(execute=True):
        created = (
            client_for(other)
            .post("/api/v1/captures/", {"file": upload_file(), "id_sensor": 1}, format="multipart")
            .json()
        )
    assert client_for(uploader).get(f"/api/v1/captures/{created['id']}/").status_code == 404
    assert client_for(uploader).get("/api/v1/captures/").json()["results"] == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_upload_runs_on_a_real_worker(celery_worker_process, tenant_a, uploader):
    client = client_for(uploader)
    response = client.post(
        "/api/v1/captures/", {"file": upload_file("sip_dtmf_rfc2833_via_proxy"), "id_sensor": 1}, format="multipart"
    )
    assert response.status_code == 202
    url = f"/api/v1/captures/{response.json()['id']}/"
    final = wait_for(lambda: (b := client.get(url).json())["status"] in ("done", "failed") and b)
    assert final["status"] == "done", final
    assert final["summary"]["imported"] == 2
    assert Cdr.objects.filter(tenant=tenant_a).count() == 2
