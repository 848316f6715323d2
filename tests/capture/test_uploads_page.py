"""The uploads page (/uploads/) through Django's client: a file sent as htmx sends it comes back as the
upload's fragment, the import runs (Celery, eager here) and the polled fragment shows its summary, whose
counts tshark confirms. Refusals are clear fragments and change nothing."""

import re
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.capture.models import CaptureUpload
from apps.cdr.models import Cdr
from apps.users.services import user_create
from tests.conftest import PASSWORD

from .reference import capture_path

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def uploader(tenant_a):
    return user_create(username="ula", tenant=tenant_a, password=PASSWORD, flags={"can_upload_pcap": True})


def summary_of(fragment):
    return dict(re.findall(r'data-summary="([^"]+)">([^<]+)<', fragment))


def tshark_counts(path):
    """(frames, calls): every frame, and the Call-IDs of INVITE dialogues, as tshark reads the file."""
    frames = subprocess.run(["tshark", "-r", str(path), "-T", "fields", "-e", "frame.number"],
                            capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    call_ids = subprocess.run(
        ["tshark", "-r", str(path), "-Y", 'sip.Method == "INVITE"', "-T", "fields", "-e", "sip.Call-ID"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return len(frames), len(set(call_ids))


def test_an_upload_imports_and_its_fragment_shows_the_summary(client, uploader, django_capture_on_commit_callbacks):
    path = capture_path("sip_rtp_g729a")
    client.force_login(uploader)
    page = client.get("/uploads/")
    assert page.status_code == 200 and b'id="drop-zone"' in page.content and b"htmx-2.min.js" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/uploads/", {"file": SimpleUploadedFile(path.name, path.read_bytes()), "id_sensor": "1"},
                           **HTMX)  # fmt: skip
    assert sent.status_code == 202
    upload = CaptureUpload.objects.get()
    assert f'id="upload-{upload.pk}"' in sent.content.decode() and 'hx-trigger="every 1s"' in sent.content.decode()
    polled = client.get(f"/uploads/{upload.pk}/", **HTMX).content.decode()
    assert 'data-status="done"' in polled and "hx-trigger" not in polled  # done: polling stops
    shown = summary_of(polled)
    frames, calls = tshark_counts(path)
    assert int(shown["packets"]) == frames
    assert int(shown["calls"]) == calls == int(shown["imported"]) == Cdr.objects.count()
    assert f'id="upload-{upload.pk}"' in client.get("/uploads/").content.decode()  # listed on the page


def test_refused_uploads_say_why_and_change_nothing(client, uploader, tenant_a, settings):
    client.force_login(uploader)
    missing = client.post("/uploads/", {"id_sensor": "1"}, **HTMX)
    assert missing.status_code == 400 and b'id="upload-error"' in missing.content
    path = capture_path("sip_rtp_g729a")
    wrong = client.post("/uploads/", {"file": SimpleUploadedFile("a.pcap", path.read_bytes()), "id_sensor": "42"},
                        **HTMX)  # fmt: skip
    assert wrong.status_code == 400 and b"Sensor 42" in wrong.content
    settings.VOIPMON_CAPTURE_MAX_UPLOAD_BYTES = 1000
    big = client.post("/uploads/", {"file": SimpleUploadedFile("a.pcap", path.read_bytes()), "id_sensor": "1"}, **HTMX)
    assert big.status_code == 413
    assert not CaptureUpload.objects.exists()
    plain = client.post("/uploads/", {"id_sensor": "1"})  # without htmx: a page in the site's frame
    assert plain.status_code == 400 and b'id="page-error"' in plain.content
