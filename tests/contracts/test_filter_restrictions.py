"""Restrictions hold for *filters* as well as for output, on every REST endpoint and legacy task that filters.

For each restriction kind a user of tenant A holds that one restriction, and one call of tenant A lies
outside it with a known value. A filter naming that hidden value must answer exactly as a filter naming
a value no call has (same status, same body): otherwise hidden values can be guessed one try at a time
(issue 17: `custom_header__X-Secret=s-99` answered count 1, `=nope` count 0). The oracle that each probe
means something: a user without the restriction gets different answers for the two values.

ADDING AN ENDPOINT OR A TASK THAT FILTERS CALLS? Give it a row in FILTERING. A REST view that declares
filters (`filterset_class`, ...) or its own `filter_queryset()` without a row fails by name; every legacy
task and sql.php module is in FILTERING or NOT_FILTERING (with the reason), or fails by name.
"""

import json

import pytest
from django.urls import URLResolver, get_resolver

from apps.legacy.registry import SQL_MODULES, TASKS
from apps.users.services import user_create
from tests.conftest import PASSWORD

from .cases import API_TASK_CASES, SINCE, SQL_MODULE_CASES
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

# endpoint -> (kinds it can filter on (None: every kind), request(client, user, filter key, value, hidden call))
FILTERING = {
    ("rest", "cdr-list"): (
        None,
        lambda client, user, key, value, call: token_client(user).get("/api/v1/calls/", {key: value}),
    ),
    ("rest", "cdr-detail"): (
        None,  # the hidden call itself, asked for with a filter: found only when the filter matches
        lambda client, user, key, value, call: token_client(user).get(f"/api/v1/calls/{call.pk}/", {key: value}),
    ),
    ("api", "getVoipCalls"): (
        {"sensors", "numbers"},  # its filters: startTime, caller/called, callId, cdrId, id_sensor, onlyConnected
        lambda client, user, key, value, call: api_call(client, user, "getVoipCalls", {"startTime": SINCE, key: value}),
    ),
    **{
        ("sql", key): (None, lambda client, user, name, value, call, key=key: sql_call(client, user, key, {
            "fdatefrom": SINCE, **({"group_by": "4"} if key[0] == "CDR_stats" else {}), name: value}))
        for key in (("CDR", "LISTING"), ("CDR", "TOTAL"), ("CDR_stats", "LISTING"))
    },
}  # fmt: skip
GETVOIPCALLS_KEYS = {"sensors": "id_sensor", "numbers": "caller"}
NOT_FILTERING = {
    ("api", "listCdrIds"): "pages through every visible id; takes no filter",
    ("api", "getPCAP"): "one call by id (the object contract covers it)",
    ("api", "getVoiceRecording"): "one call by id",
    ("api", "getAudioGraph"): "one call by id",
    ("api", "reportSummary"): "runs a saved report by name; the request carries no call filter",
    ("sql", ("CDR_RTP", "LISTING")): "one call's streams by id",
    ("api", "getShareURL"): "one call by id (the object contract covers it)",
    ("api", "handleActiveCall"): "one active call by its reference (the object contract covers it)",
    ("api", "listActiveCalls"): "sensorId / callId narrow a list already scoped by visible_to (tests/live checks it)",
}
FILTER_ATTRIBUTES = ("filterset_class", "filterset_fields", "search_fields", "ordering_fields")


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
    world = {}  # kind -> the user with that restriction; "call:<kind>" -> the call hidden from them
    for kind, (restriction, hidden_fields, _keys, _value) in RESTRICTIONS.items():
        world[f"call:{kind}"] = make_call(tenant_a, **{**VISIBLE_CALL, **hidden_fields})
        world[kind] = user_create(
            username=f"only-{kind}".replace("_", "-"),
            tenant=tenant_a,
            password=PASSWORD,
            flags={"can_cdr": True},
            **restriction,
        )
    world["full"] = user_create(username="fiona", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True})
    return world


@pytest.mark.parametrize("probe", PROBES, ids=probe_id)
def test_a_filter_on_a_hidden_value_answers_as_a_wrong_value(probe, restricted_world, client):
    entry, kind = probe
    request = FILTERING[entry][1]
    key, hidden = filter_key(entry, kind), RESTRICTIONS[kind][3]
    call = restricted_world[f"call:{kind}"]
    unrestricted = [answer(request(client, restricted_world["full"], key, v, call)) for v in (hidden, WRONG[kind])]
    assert unrestricted[0] != unrestricted[1], f"{probe}: the probe does not discriminate even without a restriction"
    user = restricted_world[kind]
    right, wrong = (answer(request(client, user, key, v, call)) for v in (hidden, WRONG[kind]))
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


def rest_views(patterns, prefix=""):
    """{URL name: view class} under /api/."""
    views = {}
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            views.update(rest_views(pattern.url_patterns, route))
        elif route.lstrip("^").startswith("api/") and pattern.name:
            callback = pattern.callback
            views[pattern.name] = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return views


def filters_calls(view):
    """A view filters when it declares filters or searches through its own filter_queryset()."""
    if view is None:
        return False
    declared = any(getattr(view, name, None) for name in FILTER_ATTRIBUTES)
    own_filtering = any(
        "filter_queryset" in vars(klass) for klass in view.__mro__ if klass.__module__.startswith("apps.")
    )
    return declared or own_filtering


def test_every_rest_endpoint_that_filters_is_probed():
    views = rest_views(get_resolver().url_patterns)
    assert set(views) == rest_endpoint_names(get_resolver().url_patterns)
    filtering = {("rest", name) for name, view in views.items() if filters_calls(view)}
    assert ("rest", "cdr-list") in filtering  # the detector sees the one REST search there is today
    missing = sorted(filtering - set(FILTERING))
    assert not missing, f"REST endpoints that filter but have no row in FILTERING: {missing}"


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


def test_a_new_filtering_view_is_detected():
    from rest_framework import viewsets

    from apps.cdr.filtersets import CdrFilterSet

    class WidgetViewSet(viewsets.ReadOnlyModelViewSet):
        filterset_class = CdrFilterSet

    class PlainViewSet(viewsets.ReadOnlyModelViewSet):
        pass

    assert filters_calls(WidgetViewSet) and not filters_calls(PlainViewSet)
