"""sql.php duration filters compare the whole seconds its rows show (`_duration`, `_connect_duration`),
as VoIPmonitor compares its whole-second column: `fdurationgt=10` never returns a call shown as 10."""

import pytest
from rest_framework.test import APIClient

from apps.accounts.services import apitoken_issue

from .helpers import listing, sql_login

pytestmark = pytest.mark.django_db

FROM = {"fdatefrom": "2024-03-01"}
DURATIONS = (9.4, 9.5, 9.99, 10.0, 10.3, 10.49, 10.5, 10.6, 11.0, 11.49, 11.5)


@pytest.fixture
def calls_around_ten(client, tenant_a, user_a, make_call):
    for d in DURATIONS:
        make_call(tenant_a, duration=d, connect_duration=d - 5)
    sql_login(client)
    return client


def rows(client, **filters):
    body = listing(client, **FROM, **filters)
    assert body["success"] is True, body
    return body["results"]


@pytest.mark.parametrize("bound", ["9", "10", "10.5", "11"])
def test_duration_filters_agree_with_the_shown_whole_seconds(calls_around_ten, bound):
    shown = {row["ID"]: row["_duration"] for row in rows(calls_around_ten)}
    assert sorted(set(shown.values())) == [9, 10, 11, 12]  # 9.4 -> 9 ... 11.5 -> 12: rounded half up
    limit = float(bound)
    greater = {row["ID"] for row in rows(calls_around_ten, fdurationgt=bound)}
    less = {row["ID"] for row in rows(calls_around_ten, fdurationlt=bound)}
    assert greater == {i for i, s in shown.items() if s > limit}
    assert less == {i for i, s in shown.items() if s < limit}


def test_fdurationgt_10_leaves_out_a_10_3_second_call(calls_around_ten):
    found = rows(calls_around_ten, fdurationgt="10")
    assert all(row["_duration"] > 10 for row in found)
    assert sorted(row["_duration"] for row in found) == [11, 11, 11, 11, 12]  # 10.5, 10.6, 11.0, 11.49, 11.5


def test_connect_duration_filters_agree_with_the_shown_whole_seconds(calls_around_ten):
    shown = {row["ID"]: row["_connect_duration"] for row in rows(calls_around_ten)}
    greater = {row["ID"] for row in rows(calls_around_ten, fconnect_durationgt="5")}
    less = {row["ID"] for row in rows(calls_around_ten, fconnect_durationlt="6")}
    assert greater == {i for i, s in shown.items() if s > 5}
    assert less == {i for i, s in shown.items() if s < 6}


def test_rest_offers_both_the_exact_and_the_whole_second_comparison(tenant_a, user_a, make_call):
    short, longer = make_call(tenant_a, duration=10.3), make_call(tenant_a, duration=10.6)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {apitoken_issue(user=user_a)}")

    def ids(**filters):
        response = client.get("/api/v1/calls/", filters)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(duration_gt="10") == {short.pk, longer.pk}  # the stored seconds, milliseconds included
    assert ids(duration_whole_gt="10") == {longer.pk}  # as sql.php: 10.3 s is shown as 10
