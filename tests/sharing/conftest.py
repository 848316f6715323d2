"""Calls imported from the shared captures (the media tests' fixtures), users with the share flags,
and helpers to make and open links."""

import pytest

from tests.conftest import PASSWORD
from tests.media.conftest import captures_dir, import_capture, media_root  # noqa: F401, F811 (fixtures)

SHARE_FLAGS = {
    "can_cdr": True,
    "can_pcap": True,
    "can_play_audio": True,
    "can_download_audio": True,
    "can_cdr_share_local_public": True,
    "can_cdr_share_local_private": True,
    "can_cdr_share_voipmonitor_org": True,
}


@pytest.fixture
def sharer(tenant_a):
    from apps.users.services import user_create

    return user_create(username="sam", tenant=tenant_a, password=PASSWORD, flags=SHARE_FLAGS)


@pytest.fixture
def g711_call(import_capture):  # noqa: F811
    """The G.711 call with RTP both ways (Linux cooked capture) of tenant A."""
    return import_capture("sip_g711u_call_both_ways_loss_bye.pcap")[0]


@pytest.fixture
def rest(sharer):
    from tests.contracts.world import token_client

    return token_client(sharer)


def share_create(client, **body):
    response = client.post("/api/v1/shares/", body, format="json")
    assert response.status_code == 201, response.content[:400]
    return response.json()


def path_of(url):
    from urllib.parse import urlsplit

    return urlsplit(url).path
