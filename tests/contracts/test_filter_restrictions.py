"""Restrictions hold for *filters* as well as for output, on every REST endpoint and legacy task that filters.

For each restriction kind a user of tenant A holds that one restriction, and one call of tenant A lies
outside it with a known value. A filter naming that hidden value must answer exactly as a filter naming
a value no call has (same status, same body): otherwise hidden values can be guessed one try at a time
(issue 17: `custom_header__X-Secret=s-99` answered count 1, `=nope` count 0). The oracle that each probe
means something: a user without the restriction gets different answers for the two values.

ADDING AN ENDPOINT OR A TASK THAT FILTERS CALLS? Give it a row in FILTERING (kind -> its filter key);
one that does not filter goes in NOT_FILTERING with the reason. `test_every_*_is_classified` names it.
"""

import json

import pytest
from django.urls import get_resolver

from apps.legacy.registry import SQL_MODULES, TASKS
from apps.users.services import user_create
from tests.conftest import PASSWORD

from .cases import API_TASK_CASES, REST_CASES, SINCE, SQL_MODULE_CASES
from .test_legacy_contract import api_call, sql_call
from .test_rest_contract import rest_endpoint_names
from .world import token_client

pytestmark = pytest.mark.django_db

# kind -> (the user's restriction, the hidden call's fields, (REST filter, legacy filter), hidden value)
RESTRICTIONS = {
    "custom_headers": (
        {"custom_headers_cdr": "X-Customer"},
        {"custom_headers": {"X-Customer": "c-17", "X-Secret": "s-99"}},
        ("custom_header__X-Secret", "fcustom_header__X-Secret"),
        "s-99",
    ),
    "sensors": ({"sensors": [1]}, {"id_sensor": 2}, ("id_sensor", "fsensor_id"), "2"),
    "numbers": (
        {"restrict_numbers": "420601%"},
        {"caller": "1555777", "called": "1666"},
        ("caller", "fcaller"),
        "1555777",
    ),
    "domains": (
        {"restrict_domains": "visible.example"},
        {"caller_domain": "hidden.example", "called_domain": "hidden.example"},
        ("caller_domain", "fcaller_domain"),
        "hidden.example",
    ),
    "ips": (
        {"restrict_ips": "192.0.2.0/24"},
        {"sipcallerip": "203.0.113.9", "sipcalledip": "203.0.113.10"},
        ("sipcallerip", "fsipcallerip"),
        "203.0.113.9",
    ),
}
WRONG = {"custom_headers": "nope", "sensors": "7", "numbers": "1999", "domains": "nowhere.example", "ips": "198.18.0.1"}
VISIBLE_CALL = {
    "caller": "420601111",
    "called": "420602222",
    "caller_domain": "visible.example",
    "called_domain": "visible.example",
    "sipcallerip": "192.0.2.10",
    "sipcalledip": "192.0.2.20",
    "id_sensor": 1,
    "custom_headers": {"X-Customer": "c-1"},
}

# endpoint -> (kinds it can filter on (None: every kind), request(client, user, filter key, value))
FILTERING = {
    ("rest", "cdr-list"): (
        None,
        lambda client, user, key, value: token_client(user).get("/api/v1/calls/", {key: value}),
    ),
    ("api", "getVoipCalls"): (
        {"sensors", "numbers"},  # its filters: startTime, caller/called, callId, cdrId, id_sensor, onlyConnected
        lambda client, user, key, value: api_call(client, user, "getVoipCalls", {"startTime": SINCE, key: value}),
    ),
    **{
        ("sql", key): (None, lambda client, user, name, value, key=key: sql_call(client, user, key, {
            "fdatefrom": SINCE, **({"group_by": "4"} if key[0] == "CDR_stats" else {}), name: value}))
        for key in (("CDR", "LISTING"), ("CDR", "TOTAL"), ("CDR_stats", "LISTING"))
    },
}  # fmt: skip
GETVOIPCALLS_KEYS = {"sensors": "id_sensor", "numbers": "caller"}
NOT_FILTERING = {
    ("rest", name): "no call filters (an object by id, a file of one call, or not calls)"
    for name in REST_CASES
    if name != "cdr-list"
} | {
    ("api", "listCdrIds"): "pages through every visible id; takes no filter",
    ("api", "getPCAP"): "one call by id (the object contract covers it)",
    ("api", "getVoiceRecording"): "one call by id",
    ("api", "getAudioGraph"): "one call by id",
    ("sql", ("CDR_RTP", "LISTING")): "one call's streams by id",
}


def filter_key(entry, kind):
    rest_key, legacy_key = RESTRICTIONS[kind][2]
    if entry[0] == "rest":
        return rest_key
    return GETVOIPCALLS_KEYS[kind] if entry == ("api", "getVoipCalls") else legacy_key


def answer(response):
    """What a client learns: the status and the whole body (ids, counts, or the refusal's words)."""
    content_type = response.get("Content-Type", "")
    return response.status_code, (response.json() if "json" in content_type else response.content)


PROBES = [
    (entry, kind) for entry, (kinds, _call) in FILTERING.items() for kind in RESTRICTIONS if not kinds or kind in kinds
]


def probe_id(value):
    (surface, name), kind = value
    return f"{surface}:{name if isinstance(name, str) else '/'.join(name)}:{kind}"


@pytest.fixture
def restricted_world(tenant_a, make_call):
    make_call(tenant_a, **VISIBLE_CALL)
    users = {}
    for kind, (restriction, hidden_fields, _keys, _value) in RESTRICTIONS.items():
        make_call(tenant_a, **{**VISIBLE_CALL, **hidden_fields})
        users[kind] = user_create(
            username=f"only-{kind}".replace("_", "-"),
            tenant=tenant_a,
            password=PASSWORD,
            flags={"can_cdr": True},
            **restriction,
        )
    users["full"] = user_create(username="fiona", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True})
    return users


@pytest.mark.parametrize("probe", PROBES, ids=probe_id)
def test_a_filter_on_a_hidden_value_answers_as_a_wrong_value(probe, restricted_world, client):
    entry, kind = probe
    request = FILTERING[entry][1]
    key, hidden = filter_key(entry, kind), RESTRICTIONS[kind][3]
    unrestricted = [answer(request(client, restricted_world["full"], key, v)) for v in (hidden, WRONG[kind])]
    assert unrestricted[0] != unrestricted[1], f"{probe}: the probe does not discriminate even without a restriction"
    user = restricted_world[kind]
    right, wrong = (answer(request(client, user, key, v)) for v in (hidden, WRONG[kind]))
    assert right == wrong, f"{probe}: the hidden value answers {right!r}, a wrong one {wrong!r}"
    assert right[0] < 500


def test_a_hidden_custom_header_filter_is_refused_with_a_message_on_rest(restricted_world):
    """The issue's reproduction: a user allowed X-Customer only filters on X-Secret."""
    api = token_client(restricted_world["custom_headers"])
    for value in ("s-99", "nope"):
        response = api.get("/api/v1/calls/", {"custom_header__X-Secret": value})
        assert response.status_code == 400 and "X-Secret" in response.json()["detail"]
    allowed = api.get("/api/v1/calls/", {"custom_header__X-Customer": "c-17"}).json()
    assert allowed["count"] == 1


def test_every_rest_endpoint_is_classified():
    names = {("rest", name) for name in rest_endpoint_names(get_resolver().url_patterns)}
    missing = sorted(names - set(FILTERING) - set(NOT_FILTERING))
    assert not missing, f"REST endpoints neither in FILTERING nor NOT_FILTERING: {missing}"


def test_every_legacy_task_and_module_is_classified():
    entries = {("api", name) for name in TASKS} | {("sql", key) for key in SQL_MODULES}
    assert entries == {("api", n) for n in API_TASK_CASES} | {("sql", k) for k in SQL_MODULE_CASES}
    missing = sorted(entries - set(FILTERING) - set(NOT_FILTERING), key=str)
    assert not missing, f"legacy tasks / sql.php modules neither in FILTERING nor NOT_FILTERING: {missing}"


def test_legacy_probe_answers_are_the_legacy_shape(restricted_world, client):
    response = sql_call(client, restricted_world["custom_headers"], ("CDR", "LISTING"), {
        "fdatefrom": SINCE, "fcustom_header__X-Secret": "s-99"})  # fmt: skip
    body = response.json()
    assert body["success"] is False and "X-Secret" in json.dumps(body["error"])
