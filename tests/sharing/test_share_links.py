"""Share links end to end through HTTP: REST create and revoke, the page and its files, passwords,
validity and open counts at their boundaries, login links, hosts, and enumeration."""

import datetime as dt
import secrets
import subprocess

import pytest
from django.test import Client

from apps.sharing.models import ShareLink, ShareOpen
from tests.conftest import PASSWORD

from . import tshark_check as ts
from .conftest import path_of, share_create

pytestmark = pytest.mark.django_db


def opened(path, client=None, **kwargs):
    return (client or Client()).get(path, **kwargs)


def test_only_the_token_hash_is_stored_and_the_token_has_256_bits(rest, g711_call):
    body = share_create(rest, cdr_id=g711_call.pk)
    token = path_of(body["url"]).split("/")[2]
    assert len(token) >= 43  # 32 random bytes in URL-safe base64
    link = ShareLink.objects.get(pk=body["id"])
    assert token not in str(ShareLink.objects.filter(pk=link.pk).values().first())
    assert link.token_hash == __import__("hashlib").sha256(token.encode()).hexdigest()


def test_public_link_shows_the_call_and_records_each_open(rest, g711_call):
    body = share_create(rest, cdr_id=g711_call.pk, content="sip_rtp")
    page = opened(path_of(body["url"]), HTTP_USER_AGENT="carrier-desk/1.0", REMOTE_ADDR="203.0.113.9")
    assert page.status_code == 200
    html = page.content.decode()
    assert g711_call.caller in html and g711_call.called in html
    assert "INVITE" in html and 'id="ladder"' in html and 'id="player"' in html
    rows = list(ShareOpen.objects.filter(link_id=body["id"]).values("address", "user_agent"))
    assert rows == [{"address": "203.0.113.9", "user_agent": "carrier-desk/1.0"}]
    opens = rest.get(f"/api/v1/shares/{body['id']}/opens/").json()["results"]
    assert opens[0]["address"] == "203.0.113.9"


def test_shared_pcap_is_the_stored_capture_and_wav_plays(rest, g711_call, tmp_path):
    from django.core.files.storage import default_storage

    body = share_create(rest, cdr_id=g711_call.pk, content="sip_rtp")
    client = Client()
    base = path_of(body["url"])
    assert client.get(base).status_code == 200
    pcap = client.get(base + "capture.pcap")
    assert pcap.status_code == 200
    (tmp_path / "s.pcap").write_bytes(b"".join(pcap.streaming_content))
    stored = default_storage.path(g711_call.pcap_full)
    assert ts.rtp_counts(tmp_path / "s.pcap") == ts.rtp_counts(stored)
    assert ts.sip_messages(tmp_path / "s.pcap") == ts.sip_messages(stored)
    wav = client.get(base + "audio.wav?download=1")
    assert wav.status_code == 200 and wav["Content-Type"].startswith("audio/")
    (tmp_path / "s.wav").write_bytes(b"".join(wav.streaming_content))
    seconds = float(subprocess.run(["soxi", "-D", str(tmp_path / "s.wav")], capture_output=True, text=True).stdout)
    assert abs(seconds - g711_call.duration) < 1.0


def test_sip_only_link_has_no_rtp_and_no_audio(rest, g711_call, tmp_path):
    body = share_create(rest, cdr_id=g711_call.pk, content="sip")
    client = Client()
    base = path_of(body["url"])
    assert 'id="player"' not in client.get(base).content.decode()
    (tmp_path / "s.pcap").write_bytes(b"".join(client.get(base + "capture.pcap").streaming_content))
    assert ts.rtp_counts(tmp_path / "s.pcap") == {}
    assert client.get(base + "audio.wav").status_code == 404


def test_anonymised_share_hides_every_address_in_page_ladder_and_pcap(rest, g711_call, tmp_path):
    from django.core.files.storage import default_storage

    stored = default_storage.path(g711_call.pcap_full)
    originals = ts.addresses(stored)
    body = share_create(rest, cdr_id=g711_call.pk, content="sip_rtp", anonymise=True)
    client, base = Client(), path_of(body["url"])
    page = client.get(base).content
    ladder = b"".join(client.get(base + "ladder.svg").streaming_content)
    (tmp_path / "a.pcap").write_bytes(b"".join(client.get(base + "capture.pcap").streaming_content))
    capture = (tmp_path / "a.pcap").read_bytes()
    for addr in originals:
        for form in ts.forms(addr):
            assert form not in capture, addr
        assert str(addr).encode() not in page and str(addr).encode() not in ladder, addr
    assert ts.checksum_errors(tmp_path / "a.pcap") == []
    assert ts.rtp_counts(tmp_path / "a.pcap") == ts.rtp_counts(stored)
    # the page and the capture use one mapping: the caller's new address is the capture's SIP source
    first_src = ts.tshark_fields(tmp_path / "a.pcap", ["ip.src"], "sip.Method == INVITE")[0][0]
    assert first_src.encode() in page
    assert default_storage.open(g711_call.pcap_full).read() == open(stored, "rb").read()  # never changed


def test_number_masking_keeps_the_last_digits_on_page_and_in_pcap(rest, g711_call, tmp_path):
    body = share_create(rest, cdr_id=g711_call.pk, mask_digits=3)
    client, base = Client(), path_of(body["url"])
    page = client.get(base).content.decode()
    masked = "x" * (len(g711_call.caller) - 3) + g711_call.caller[-3:]
    assert g711_call.caller not in page and masked in page
    (tmp_path / "m.pcap").write_bytes(b"".join(client.get(base + "capture.pcap").streaming_content))
    assert g711_call.caller.encode() not in (tmp_path / "m.pcap").read_bytes()


def random_token():
    """A token of the real shape (256 random bits, a dot, a 16-character tag) or, one in four, of another."""
    if secrets.randbelow(4) == 0:
        return secrets.token_urlsafe(32)
    return f"{secrets.token_urlsafe(32)}.{secrets.token_urlsafe(12)}"


def test_ten_thousand_random_tokens_are_all_404(rest, g711_call, django_assert_max_num_queries):
    share_create(rest, cdr_id=g711_call.pk)
    client = Client()
    with django_assert_max_num_queries(0):  # a guessed token is refused before the database
        statuses = {client.get(f"/s/{random_token()}/").status_code for _ in range(10_000)}
    assert statuses == {404}
    assert ShareOpen.objects.count() == 0


def test_a_real_token_with_a_changed_tag_or_random_part_is_404(rest, g711_call):
    body = share_create(rest, cdr_id=g711_call.pk)
    token = path_of(body["url"]).split("/")[2]
    secret, tag = token.split(".")
    flip = {"A": "B"}.get(tag[0], "A")
    for wrong in (f"{secret}.{flip}{tag[1:]}", f"{flip}{secret[1:]}.{tag}", secret):
        assert Client().get(f"/s/{wrong}/").status_code == 404
    assert Client().get(f"/s/{token}/").status_code == 200


def test_revoked_link_stops_at_once_even_for_an_open_page(rest, g711_call):
    body = share_create(rest, cdr_id=g711_call.pk)
    client, base = Client(), path_of(body["url"])
    assert client.get(base).status_code == 200
    assert rest.post(f"/api/v1/shares/{body['id']}/revoke/").json()["state"] == "revoked"
    for path in (base, base + "capture.pcap", base + "ladder.svg"):
        response = client.get(path)
        assert response.status_code == 410 and b'data-reason="revoked"' in response.content
        assert b"This link has been revoked" in response.content and b"revoked by its owner" in response.content


def test_valid_days_is_exact_at_the_boundary(rest, g711_call, monkeypatch):
    from django.utils import timezone

    body = share_create(rest, cdr_id=g711_call.pk, valid_days=2)
    link = ShareLink.objects.get(pk=body["id"])
    assert link.valid_until - link.created_at - dt.timedelta(days=2) < dt.timedelta(seconds=1)
    base = path_of(body["url"])
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: link.valid_until - dt.timedelta(microseconds=1))
    assert Client().get(base).status_code == 200
    monkeypatch.setattr(timezone, "now", lambda: link.valid_until)
    response = Client().get(base)
    assert response.status_code == 410 and b'data-reason="expired"' in response.content
    assert b"This link has expired" in response.content
    monkeypatch.setattr(timezone, "now", real_now)


def test_max_opens_is_exact_at_the_boundary(rest, g711_call):
    body = share_create(rest, cdr_id=g711_call.pk, max_opens=3)
    base = path_of(body["url"])
    clients = [Client() for _ in range(4)]
    assert [c.get(base).status_code for c in clients[:3]] == [200, 200, 200]
    fourth = clients[3].get(base)
    assert fourth.status_code == 410 and b'data-reason="exhausted"' in fourth.content
    assert b"This link has been used up" in fourth.content and b"opened the 3 times it allowed" in fourth.content
    assert clients[0].get(base + "capture.pcap").status_code == 200  # a browser that opened it keeps it
    assert ShareLink.objects.get(pk=body["id"]).opens == 3 and ShareOpen.objects.count() == 3


def test_password_wrong_then_right_and_throttled(rest, g711_call, settings):
    settings.VOIPMON_SHARE_PASSWORD_ATTEMPTS = 3
    body = share_create(rest, cdr_id=g711_call.pk, access="protected", password="open sesame")
    base = path_of(body["url"])
    client = Client()
    assert client.get(base).status_code == 401 and client.get(base + "capture.pcap").status_code == 401
    wrong = client.post(base, {"password": "nope"})
    assert wrong.status_code == 401 and b"Wrong password" in wrong.content
    assert ShareOpen.objects.count() == 0
    right = client.post(base, {"password": "open sesame"})
    assert right.status_code == 302 and client.get(base).status_code == 200
    other = Client(REMOTE_ADDR="192.0.2.77")
    for _ in range(3):
        assert other.post(base, {"password": "guess"}).status_code == 401
    throttled = other.post(base, {"password": "open sesame"})  # even the right one, until the window passes
    assert throttled.status_code == 429 and b"Too many wrong passwords" in throttled.content


def test_generated_password_is_returned_once(rest, g711_call):
    body = share_create(rest, cdr_id=g711_call.pk, access="protected")
    assert len(body["password"]) >= 12 and body["protected"] is True
    assert "password" not in rest.get(f"/api/v1/shares/{body['id']}/").json()


def test_login_link_opens_only_for_users_of_the_tenant_who_can_see_the_call(
    rest, g711_call, tenant_a, tenant_b, user_b
):
    from apps.users.services import user_create

    body = share_create(rest, cdr_id=g711_call.pk, access="login")
    base = path_of(body["url"])
    anonymous = Client().get(base)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    colleague = user_create(username="cole", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True})
    blind = user_create(username="blind", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True}, sensors=[2])
    results = {}
    for user in (colleague, blind, user_b):
        client = Client()
        client.force_login(user)
        results[user.username] = client.get(base).status_code
    assert results == {"cole": 200, "blind": 404, "bob": 404}


def test_a_link_never_opens_on_another_tenants_share_host(rest, g711_call, tenant_b, settings):
    from apps.branding.services import branding_update
    from apps.core.actor import Actor

    settings.ALLOWED_HOSTS = ["*"]
    branding_update(actor=Actor(tenant_id=g711_call.tenant_id, is_admin=True), data={"share_host": "share.acme.test"})
    branding_update(actor=Actor(tenant_id=tenant_b.pk, is_admin=True), data={"share_host": "share.globex.test"})
    body = share_create(rest, cdr_id=g711_call.pk)
    assert body["url"].startswith("http://share.acme.test/s/")
    base = path_of(body["url"])
    assert Client(HTTP_HOST="share.globex.test").get(base).status_code == 404
    assert Client(HTTP_HOST="share.acme.test").get(base).status_code == 200
    assert Client(HTTP_HOST="share.acme.test").get("/api/v1/calls/").status_code == 404  # share host: links only


def test_restricted_user_may_share_only_calls_they_see(g711_call, tenant_a, make_call):
    from apps.users.services import user_create
    from tests.contracts.world import token_client

    from .conftest import SHARE_FLAGS

    outside = make_call(tenant_a, id_sensor=2)
    rita = user_create(username="rita2", tenant=tenant_a, password=PASSWORD, flags=SHARE_FLAGS, sensors=[1])
    client = token_client(rita)
    assert client.post("/api/v1/shares/", {"cdr_id": g711_call.pk}, format="json").status_code == 201
    refused = client.post("/api/v1/shares/", {"cdr_id": outside.pk}, format="json")
    assert refused.status_code == 404 and ShareLink.objects.count() == 1


def test_list_is_own_links_and_all_for_tenant_admins(rest, g711_call, admin_a, tenant_a):
    from apps.users.services import user_create
    from tests.contracts.world import token_client

    from .conftest import SHARE_FLAGS

    mine = share_create(rest, cdr_id=g711_call.pk)
    other = token_client(user_create(username="oli", tenant=tenant_a, password=PASSWORD, flags=SHARE_FLAGS))
    theirs = share_create(other, cdr_id=g711_call.pk)
    assert [row["id"] for row in rest.get("/api/v1/shares/").json()["results"]] == [mine["id"]]
    everything = token_client(admin_a).get("/api/v1/shares/").json()["results"]
    assert {row["id"] for row in everything} == {mine["id"], theirs["id"]}
    assert rest.post(f"/api/v1/shares/{theirs['id']}/revoke/").status_code == 404


@pytest.mark.parametrize(
    ("valid_days", "fragment"),
    [("0", "greater than or equal to 1"), ("-3", "greater than or equal to 1"), ("31", "at most 30"),
     ("abc", "valid integer"), ("1.5", "valid integer")],
)  # fmt: skip
def test_bad_valid_days_is_a_clear_error_and_creates_nothing(rest, g711_call, valid_days, fragment):
    response = rest.post("/api/v1/shares/", {"cdr_id": g711_call.pk, "valid_days": valid_days}, format="json")
    assert response.status_code == 400 and fragment in str(response.json()), response.json()
    assert ShareLink.objects.count() == 0


def test_valid_days_at_the_tenants_maximum_is_accepted_and_lasts_exactly_that(rest, g711_call):
    body = share_create(rest, cdr_id=g711_call.pk, valid_days=30)
    link = ShareLink.objects.get(pk=body["id"])
    assert abs(link.valid_until - link.created_at - dt.timedelta(days=30)) < dt.timedelta(seconds=1)


def test_unknown_and_foreign_calls_are_404_and_create_nothing(rest, g711_call, tenant_b, make_call):
    foreign = make_call(tenant_b)
    for cdr_id in (foreign.pk, 999_999):
        response = rest.post("/api/v1/shares/", {"cdr_id": cdr_id}, format="json")
        assert response.status_code == 404 and "not found" in response.json()["detail"]
    assert ShareLink.objects.count() == 0


def test_tenant_rules_drive_the_mapping_and_bad_rules_are_refused(rest, g711_call):
    from django.core.exceptions import ValidationError

    from apps.sharing.models import SharePolicy

    policy = SharePolicy(tenant_id=g711_call.tenant_id, anon_rules=f"{g711_call.sipcallerip}/32 -> 192.0.2.77/32")
    policy.full_clean()
    policy.save()
    body = share_create(rest, cdr_id=g711_call.pk, anonymise=True)
    page = Client().get(path_of(body["url"])).content.decode()
    assert "192.0.2.77" in page and g711_call.sipcallerip not in page
    with pytest.raises(ValidationError, match="line 2"):
        SharePolicy(tenant_id=g711_call.tenant_id, anon_rules="# ours\n10.0.0.0/8 -> 2001:db8::/32").full_clean()


def test_tenant_without_audio_sharing_shows_no_player_even_on_old_links(rest, g711_call):
    from apps.sharing.models import SharePolicy

    body = share_create(rest, cdr_id=g711_call.pk, content="sip_rtp")
    SharePolicy.objects.create(tenant_id=g711_call.tenant_id, allow_audio=False)
    client, base = Client(), path_of(body["url"])
    assert 'id="player"' not in client.get(base).content.decode()
    assert client.get(base + "audio.wav").status_code == 404
    assert client.get(base + "capture.pcap").status_code == 200
