"""REST /api/v1/share-policy/: tenant administrators read and change their tenant's share policy (longest
validity, audio, anonymisation rules, number masking); others are refused; bad input changes nothing;
and what is stored is what links made afterwards obey."""

import ipaddress

import pytest
from django.db import connection
from django.test import Client

from apps.sharing.models import SharePolicy
from tests.contracts.world import token_client

from . import tshark_check as ts
from .conftest import SHARE_FLAGS, path_of, share_create

pytestmark = pytest.mark.django_db
URL = "/api/v1/share-policy/"
DEFAULTS = {"max_valid_days": 30, "allow_audio": True, "mask_digits": None, "anon_rules": []}


def stored(tenant_id):
    """The tenant's policy row as plain SQL sees it (None when it has none)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT max_valid_days, allow_audio, mask_digits, anon_rules FROM sharing_sharepolicy WHERE tenant_id = %s",
            [tenant_id],
        )
        return cursor.fetchone()


def test_admin_reads_the_defaults_then_changes_every_field(admin_a):
    client = token_client(admin_a)
    assert client.get(URL).json() == DEFAULTS
    rules = [{"source": "10.1.0.0/16", "target": "172.30.0.0/16"}, {"source": "2001:db8:1::/48", "target": "fd00::/48"}]
    body = {"max_valid_days": 14, "allow_audio": False, "mask_digits": 3, "anon_rules": rules}
    response = client.put(URL, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == body == client.get(URL).json()
    assert stored(admin_a.tenant_id) == (14, False, 3, "10.1.0.0/16 -> 172.30.0.0/16\n2001:db8:1::/48 -> fd00::/48")
    assert client.patch(URL, {"mask_digits": None}, format="json").json() == dict(body, mask_digits=None)


def test_users_who_are_not_tenant_admins_are_refused_and_nothing_changes(admin_a, tenant_a):
    from apps.users.services import user_create

    sharer = user_create(username="sid", tenant=tenant_a, password="pw-Very-Long-1", flags=SHARE_FLAGS)
    token_client(admin_a).patch(URL, {"max_valid_days": 9}, format="json")
    client = token_client(sharer)
    assert client.get(URL).status_code == 403
    assert client.patch(URL, {"max_valid_days": 365}, format="json").status_code == 403
    assert client.put(URL, {"allow_audio": False}, format="json").status_code == 403
    assert Client().get(URL).status_code in (401, 403)
    assert stored(tenant_a.pk) == (9, True, None, "")


def test_each_tenant_reads_and_changes_only_its_own_policy(admin_a, tenant_b):
    from apps.users.services import user_create

    admin_b = user_create(username="bob", tenant=tenant_b, password="pw-Very-Long-1", is_admin=True)
    token_client(admin_a).patch(URL, {"max_valid_days": 5, "mask_digits": 2}, format="json")
    assert token_client(admin_b).get(URL).json() == DEFAULTS
    token_client(admin_b).patch(URL, {"allow_audio": False}, format="json")
    assert stored(admin_a.tenant_id) == (5, True, 2, "")
    assert stored(tenant_b.pk) == (30, False, None, "")


@pytest.mark.parametrize(
    "body",
    [
        {"max_valid_days": 0},
        {"max_valid_days": -3},
        {"max_valid_days": "week"},
        {"max_valid_days": 100000},
        {"max_valid_days": 7, "mask_digits": 99},
        {"mask_digits": -1},
        {"allow_audio": "maybe"},
        {"anon_rules": [{"source": "10.0.0.0/8", "target": "2001:db8::/32"}]},
        {"anon_rules": [{"source": "not-a-network", "target": "192.0.2.0/24"}]},
        {"anon_rules": "10.0.0.0/8 -> 192.0.2.0/24"},
        {"max_valid_days": 12, "anon_rules": [{"source": "10.0.0.0/8"}]},
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(admin_a, body):
    client = token_client(admin_a)
    client.patch(URL, {"max_valid_days": 20}, format="json")
    before = stored(admin_a.tenant_id)
    response = client.patch(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert any(field in response.content.decode() for field in body)
    assert stored(admin_a.tenant_id) == before


def test_links_made_afterwards_obey_the_longest_validity(admin_a, rest, g711_call):
    token_client(admin_a).patch(URL, {"max_valid_days": 3}, format="json")
    refused = rest.post("/api/v1/shares/", {"cdr_id": g711_call.pk, "valid_days": 4}, format="json")
    assert refused.status_code == 400 and "3" in refused.content.decode()
    assert rest.post("/api/v1/shares/", {"cdr_id": g711_call.pk, "valid_days": 3}, format="json").status_code == 201


def test_number_masking_of_the_policy_applies_to_every_new_link(admin_a, rest, g711_call):
    token_client(admin_a).patch(URL, {"mask_digits": 2}, format="json")
    plain = share_create(rest, cdr_id=g711_call.pk)
    keeps_less = share_create(rest, cdr_id=g711_call.pk, mask_digits=1)
    assert (plain["mask_digits"], keeps_less["mask_digits"]) == (2, 1)
    page = Client().get(path_of(plain["url"])).content.decode()
    digits, seen, masked = sum(ch.isdigit() for ch in g711_call.caller), 0, ""
    for ch in g711_call.caller:  # every digit but the last two becomes x
        seen += ch.isdigit()
        masked += "x" if ch.isdigit() and seen <= digits - 2 else ch
    assert digits > 2 and g711_call.caller not in page and masked in page


def test_rules_set_over_rest_drive_the_shared_capture(admin_a, rest, g711_call, tmp_path):
    caller_ip = g711_call.sipcallerip
    rule = {"source": f"{caller_ip}/32", "target": "192.0.2.77/32"}
    assert token_client(admin_a).patch(URL, {"anon_rules": [rule]}, format="json").status_code == 200
    body = share_create(rest, cdr_id=g711_call.pk, anonymise=True)
    client, base = Client(), path_of(body["url"])
    assert client.get(base).status_code == 200
    (tmp_path / "s.pcap").write_bytes(b"".join(client.get(base + "capture.pcap").streaming_content))
    addresses = ts.addresses(tmp_path / "s.pcap")
    assert ipaddress.ip_address("192.0.2.77") in addresses
    assert ipaddress.ip_address(caller_ip) not in addresses


def test_audio_switched_off_over_rest_stops_the_player_of_existing_links(admin_a, rest, g711_call):
    body = share_create(rest, cdr_id=g711_call.pk, content="sip_rtp")
    client, base = Client(), path_of(body["url"])
    assert 'id="player"' in client.get(base).content.decode()
    token_client(admin_a).patch(URL, {"allow_audio": False}, format="json")
    assert 'id="player"' not in client.get(base).content.decode()
    assert client.get(base + "audio.wav").status_code == 404
    assert SharePolicy.objects.get(tenant_id=g711_call.tenant_id).allow_audio is False
