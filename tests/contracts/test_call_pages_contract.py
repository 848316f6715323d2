"""The contract of the call page (/calls/<id>/ and the files it links to) and of the uploads page.

- A visitor is sent to sign-in; nothing of the call is shown.
- The flag that guards each URL: without it, 403 (with every other flag held).
- Another tenant's call or upload: 404, the same answer as an id that does not exist.
- The restricted user (sensor 1, numbers 420601%): the call inside the restriction opens, the calls
  outside it (another number, another sensor) are 404 on every URL, as in the API.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.capture.services import capture_upload_create
from apps.users.actor import actor_for_user

pytestmark = pytest.mark.django_db

# (suffix under /calls/<id>/, method, the flag it needs beside can_cdr)
CALL_URLS = [
    ("", "get", None),
    ("sip/1/", "get", None),
    ("capture.pcap", "get", "can_pcap"),
    ("audio.wav?download=1", "get", "can_download_audio"),
    ("audio.ogg?download=1", "get", "can_download_audio"),
    ("waveform.png", "get", "can_play_audio"),
    ("spectrogram.png", "get", "can_play_audio"),
    ("share/", "post", "can_cdr_share_voipmonitor_org"),
    ("reason/", "post", None),
]
MISSING = 9_000_000_000


def call_request(client, call_id, suffix, method):
    url = f"/calls/{call_id}/{suffix}"
    if method == "post":
        return client.post(url, {"access": "public", "content": "sip", "reason": "contract"})
    return client.get(url)


def test_a_visitor_is_sent_to_sign_in(client, world):
    for suffix, method, _flag in CALL_URLS:
        response = call_request(client, world.calls["inside"].pk, suffix, method)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), suffix


def test_each_call_url_needs_can_cdr_and_its_own_flag(client, world):
    call = world.calls["inside"].pk
    for suffix, method, flag in CALL_URLS:
        for missing in ("can_cdr", flag):
            if missing is None:
                continue
            client.force_login(world.lacking(missing))
            assert call_request(client, call, suffix, method).status_code == 403, (suffix, missing)


def test_foreign_missing_and_restricted_out_calls_are_404(client, world):
    for suffix, method, _flag in CALL_URLS:
        client.force_login(world.admin_a)
        assert call_request(client, world.calls["foreign"].pk, suffix, method).status_code == 404, suffix
        assert call_request(client, MISSING, suffix, method).status_code == 404, suffix
        client.force_login(world.restricted)
        for call_id in world.hidden("call"):
            assert call_request(client, call_id, suffix, method).status_code == 404, (suffix, call_id)


def test_the_restricted_user_opens_the_call_inside_the_restriction(client, world):
    client.force_login(world.restricted)
    page = client.get(f"/calls/{world.calls['inside'].pk}/")
    assert page.status_code == 200 and b"420601111" in page.content


def upload_of(user):
    junk = SimpleUploadedFile("x.pcap", b"not a capture")
    return capture_upload_create(actor=actor_for_user(user), uploaded=junk, id_sensor=1)


def test_uploads_need_can_upload_pcap(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = upload_of(world.admin_a)
    client.force_login(world.lacking("can_upload_pcap"))
    assert client.get("/uploads/").status_code == 403
    assert client.post("/uploads/", {"id_sensor": 1, "file": SimpleUploadedFile("a.pcap", b"x")}).status_code == 403
    assert client.get(f"/uploads/{upload.pk}/").status_code == 403
    client.force_login(world.admin_a)
    assert client.get("/uploads/").status_code == 200
    assert client.get(f"/uploads/{upload.pk}/").status_code == 200


def test_another_tenants_upload_is_404(client, world, settings, tmp_path):
    from apps.users.services import user_create
    from tests.conftest import PASSWORD

    settings.MEDIA_ROOT = tmp_path
    foreign = upload_of(user_create(username="bea", tenant=world.tenant_b, password=PASSWORD, is_admin=True))
    client.force_login(world.admin_a)
    assert client.get(f"/uploads/{foreign.pk}/").status_code == 404
    assert client.get(f"/uploads/{MISSING}/").status_code == 404
    assert f'id="upload-{foreign.pk}"'.encode() not in client.get("/uploads/").content
    client.logout()
    assert client.get("/uploads/").status_code == 302
