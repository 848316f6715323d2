"""The media disk fills up during an import (a real tmpfs of limited size, nothing mocked): that call is
rolled back with a clear error, nothing half-written stays, and importing again adds the rest."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from apps.accounts.services import apitoken_issue
from apps.capture.models import CaptureUpload
from apps.cdr.models import Cdr
from apps.media.models import ExportJob
from apps.users.services import user_create
from tests.conftest import PASSWORD

from .checks import assert_calls_whole, capture_of
from .conftest import CAPTURES

pytestmark = pytest.mark.django_db
CALLS = 40
MB = 1024 * 1024


@pytest.fixture
def client(tenant_a):
    flags = {"can_cdr": True, "can_upload_pcap": True, "can_pcap": True}
    user = user_create(username="ops", tenant=tenant_a, password=PASSWORD, flags=flags)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {apitoken_issue(user=user)}")
    return api


def all_files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_upload_that_does_not_fit_is_507_with_nothing_kept(small_disk, client):
    capture = CAPTURES / "sip_fax_gateway_t38_declined_megaco.pcap"  # 1.5 MB on a 1 MB disk
    upload = SimpleUploadedFile(capture.name, capture.read_bytes())
    response = client.post("/api/v1/captures/", {"file": upload, "id_sensor": 1}, format="multipart")
    assert response.status_code == 507, response.content
    body = response.json()
    assert body["code"] == "storage_full" and "storage is full" in body["detail"]
    assert not CaptureUpload.objects.exists()
    assert all_files(small_disk.path) == []


def test_import_filling_the_disk_rolls_back_the_call_and_a_second_run_adds_the_rest(
    small_disk, client, tenant_a, tmp_path, django_capture_on_commit_callbacks
):
    capture = capture_of(tmp_path / "calls.pcap", CALLS)
    # room for the upload and about a third of the calls' pcaps (SIP-only + full: a bit more than the capture)
    small_disk.resize(capture.stat().st_size + capture.stat().st_size // 3)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/captures/",
            {"file": SimpleUploadedFile("calls.pcap", capture.read_bytes()), "id_sensor": 1},
            format="multipart",
        )
    assert created.status_code == 202, created.content
    state = client.get(f"/api/v1/captures/{created.json()['id']}/").json()
    assert state["status"] == "failed"
    stored = Cdr.objects.filter(tenant=tenant_a).count()
    assert 0 < stored < CALLS
    assert "storage is full" in state["error"]
    assert f"{stored} of {CALLS} calls were imported" in state["error"]
    assert_calls_whole(Cdr.objects.filter(tenant=tenant_a), small_disk.path)  # the call being written: gone

    small_disk.resize(64 * MB)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            "/api/v1/captures/",
            {"file": SimpleUploadedFile("calls.pcap", capture.read_bytes()), "id_sensor": 1},
            format="multipart",
        )
    state = client.get(f"/api/v1/captures/{again.json()['id']}/").json()
    assert state["status"] == "done", state
    assert state["summary"]["duplicates"] == stored and state["summary"]["imported"] == CALLS - stored
    cdrs = list(Cdr.objects.filter(tenant=tenant_a))
    assert {c.callid.split("@")[0] for c in cdrs} == {f"bench-{i}" for i in range(CALLS)}
    assert_calls_whole(cdrs, small_disk.path)


def test_command_line_import_on_a_full_disk_says_so(small_disk, tenant_a, tmp_path, capsys):
    capture = capture_of(tmp_path / "calls.pcap", CALLS)
    with pytest.raises(CommandError):
        call_command("pcap_import", str(capture), tenant=tenant_a.slug, sensor=1, verbosity=0)
    assert "storage is full" in capsys.readouterr().err
    assert_calls_whole(Cdr.objects.filter(tenant=tenant_a), small_disk.path)


def test_export_on_a_full_disk_fails_with_the_reason_and_keeps_no_partial_zip(
    small_disk, client, tenant_a, tmp_path, settings, django_capture_on_commit_callbacks
):
    small_disk.resize(64 * MB)
    call_command(
        "pcap_import", str(capture_of(tmp_path / "calls.pcap", CALLS)), tenant=tenant_a.slug, sensor=1, verbosity=0
    )
    ids = list(Cdr.objects.filter(tenant=tenant_a).values_list("pk", flat=True))
    used = sum((small_disk.path / p).stat().st_size for p in all_files(small_disk.path))
    filler = small_disk.path / "filler"
    free = small_disk.size - used
    filler.write_bytes(b"\0" * max(0, free - 256 * 1024))  # a quarter megabyte left: less than the zip
    before = all_files(small_disk.path)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/exports/", {"kind": "pcap", "cdr_ids": ids, "run_async": True}, format="json")
    assert created.status_code == 202, created.content
    state = client.get(f"/api/v1/exports/{created.json()['id']}/").json()
    assert state["status"] == "failed" and "storage is full" in state["error"], state
    assert all_files(small_disk.path) == before  # no partial zip
    assert ExportJob.objects.get().file_name == ""
