"""REST /api/v1/calls/: isolation, filters through the one FilterSet, parity with the legacy API."""

import pytest
from rest_framework.test import APIClient

from apps.accounts.services import apitoken_issue
from tests.conftest import PASSWORD
from tests.legacy.helpers import calls, ids_of

pytestmark = pytest.mark.django_db


def rest_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {apitoken_issue(user=user)}")
    return client


def rest_ids(client, **query):
    response = client.get("/api/v1/calls/", query)
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def test_cdr_list_excludes_other_tenant(tenant_a, tenant_b, user_a, user_b, make_call):
    mine, theirs = make_call(tenant_a), make_call(tenant_b)
    assert rest_ids(rest_client(user_a)) == [mine.pk]
    assert rest_ids(rest_client(user_b)) == [theirs.pk]


def test_cdr_detail_of_other_tenant_is_404(tenant_a, tenant_b, user_a, make_call):
    mine, theirs = make_call(tenant_a), make_call(tenant_b)
    client = rest_client(user_a)
    assert client.get(f"/api/v1/calls/{mine.pk}/").status_code == 200
    response = client.get(f"/api/v1/calls/{theirs.pk}/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_cdr_detail_has_streams_and_codec_names(tenant_a, user_a, make_call):
    call = make_call(tenant_a, a_payload=0, b_payload=18)
    body = rest_client(user_a).get(f"/api/v1/calls/{call.pk}/").json()
    assert body["codec_a"] == "PCMU" and body["codec_b"] == "G729"
    assert body["streams"] == [] and body["dtmf"] == []
    assert "tenant" not in body and "pcap_full" not in body


def test_cdr_list_needs_can_cdr(tenant_a):
    from apps.users.services import user_create

    user = user_create(username="plain", tenant=tenant_a, password=PASSWORD)
    response = rest_client(user).get("/api/v1/calls/")
    assert response.status_code == 403
    assert "can_cdr" in response.json()["detail"]


def test_cdr_list_requires_authentication(client):
    assert client.get("/api/v1/calls/").status_code in (401, 403)


def test_session_authentication_works(client, tenant_a, user_a, make_call):
    call = make_call(tenant_a)
    client.force_login(user_a)
    assert [row["id"] for row in client.get("/api/v1/calls/").json()["results"]] == [call.pk]


def test_bad_filter_value_is_400_with_message(tenant_a, user_a):
    response = rest_client(user_a).get("/api/v1/calls/", {"calldate_from": "not-a-date"})
    assert response.status_code == 400
    assert "calldate_from" in response.json()


def test_token_endpoint(client, user_a):
    ok = client.post("/api/v1/auth/token/", {"username": "arthur", "password": PASSWORD})
    assert ok.status_code == 200 and len(ok.json()["token"]) == 40
    bad = client.post("/api/v1/auth/token/", {"username": "arthur", "password": "wrong"})
    assert bad.status_code == 400 and "Wrong" in bad.json()["detail"]


def test_list_query_count_is_bounded(tenant_a, user_a, make_call, django_assert_max_num_queries):
    for _ in range(20):
        make_call(tenant_a)
    client = rest_client(user_a)
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/calls/").json()["results"]) == 20


PARITY_CASES = [
    ({"startTime": "2024-03-01"}, {"calldate_from": "2024-03-01T00:00:00"}),
    ({"startTime": "2024-03-05 11:30:00"}, {"calldate_from": "2024-03-05T11:30:00"}),
    ({"startTime": "2024-03-01", "caller": "00%"}, {"calldate_from": "2024-03-01", "caller": "00%"}),
    ({"startTime": "2024-03-01", "called": "%99"}, {"calldate_from": "2024-03-01", "called": "%99"}),
    ({"startTime": "2024-03-01", "msisdn": "420601"}, {"calldate_from": "2024-03-01", "number": "420601"}),
    ({"startTime": "2024-03-01", "onlyConnected": 1}, {"calldate_from": "2024-03-01", "connected": "true"}),
    ({"startTime": "2024-03-01", "id_sensor": 2}, {"calldate_from": "2024-03-01", "id_sensor": "2"}),
    (
        {"startTime": "2024-03-01", "startTimeTo": "2024-03-05 12:00"},
        {"calldate_from": "2024-03-01", "calldate_to": "2024-03-05T12:00:00"},
    ),
]


@pytest.mark.parametrize("legacy,rest", PARITY_CASES)
def test_rest_and_legacy_return_the_same_calls(client, tenant_a, tenant_b, user_a, make_call, legacy, rest):
    made = [
        make_call(tenant_a, caller="0044777", called="420699", calldate="2024-03-05 09:00:00"),
        make_call(tenant_a, caller="420601", called="420799", id_sensor=2, calldate="2024-03-05 11:00:00"),
        make_call(tenant_a, caller="420500", called="420601", connect_duration=None, calldate="2024-03-06 08:00:00"),
        make_call(tenant_b, caller="0044777", called="420601"),
    ]
    legacy_ids = ids_of(calls(client, legacy, user="arthur"))
    assert legacy_ids == rest_ids(rest_client(user_a), **rest)
    assert set(legacy_ids) <= {c.pk for c in made[:3]}
