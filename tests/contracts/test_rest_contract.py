"""Every REST endpoint: its capability flag (403 without it), tenant isolation (another tenant's object
is 404) and the restricted user's view (never a call or sensor outside the restriction). Writes: see
test_rest_writes.py."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from .cases import OBJECT_MAKERS, OUTSIDE, REST_CASES, REST_WRITE_CASES
from .world import token_client

pytestmark = pytest.mark.django_db


def pattern_methods(pattern):
    """The HTTP methods a URL pattern serves: a viewset's action map, or an APIView's handlers."""
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if actions:
        methods = set(actions)
    elif view is not None:
        methods = {m for m in view.http_method_names if hasattr(view, m)}
    else:
        methods = {"get"}
    return methods - {"options", "head"}  # answered by every view from its GET / metadata


def rest_endpoints(patterns=None, prefix=""):
    """{URL name: methods} of everything served under /api/ (format-suffix twins share their name)."""
    served = {}
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            for name, methods in rest_endpoints(pattern.url_patterns, route).items():
                served.setdefault(name, set()).update(methods)
        elif isinstance(pattern, URLPattern) and route.lstrip("^").startswith("api/") and pattern.name:
            served.setdefault(pattern.name, set()).update(pattern_methods(pattern))
    return served


def rest_endpoint_names(patterns=None):
    return set(rest_endpoints(patterns))


def rest_requests():
    """{(URL name, method): case} over both tables: each endpoint's own method and its further writes."""
    requests = {(name, case.method): case for name, case in REST_CASES.items()}
    requests.update(REST_WRITE_CASES)
    return requests


def uncovered_methods(served):
    covered = set(rest_requests())
    return sorted(
        f"{method.upper()} {name}"
        for name, methods in served.items()
        for method in methods
        if name in REST_CASES and (name, method) not in covered
    )


def test_every_rest_endpoint_has_a_contract_case():
    served = rest_endpoint_names()
    missing = sorted(served - set(REST_CASES))
    stale = sorted(set(REST_CASES) - served)
    assert not missing, f"REST endpoints without a contract case in tests/contracts/cases.py: {missing}"
    assert not stale, f"contract cases for endpoints that no longer exist: {stale}"


def test_every_method_of_every_rest_endpoint_has_a_contract_case():
    served = rest_endpoints()
    missing = uncovered_methods(served)
    stale = sorted(f"{m.upper()} {n}" for n, m in rest_requests() if m not in served.get(n, ()))
    assert not missing, f"REST methods without a contract case (REST_WRITE_CASES in cases.py): {missing}"
    assert not stale, f"contract cases for methods the endpoint does not serve: {stale}"


def test_every_flagless_endpoint_says_why():
    unexplained = sorted(
        name for name, case in REST_CASES.items() if case.flag is None and not (case.note or case.public)
    )
    assert not unexplained, f"endpoints open to every signed-in user must say why (note=...): {unexplained}"


def url_of(name, world, key="a", pk=None, case=None):
    case = case or REST_CASES[name]
    if case.obj:
        pk = pk if pk is not None else OBJECT_MAKERS[case.obj](world, key)
        return reverse(name, kwargs={"pk": pk})
    return reverse(name)


def send(client, name, world, url, case=None, method=None, data=None):
    case = case or REST_CASES[name]
    if data is None:
        data = case.data(world) if case.data else case.query
    return getattr(client, method or case.method)(url, data=data, format=case.format)


def allowed(name, response):
    check = REST_CASES[name].allowed
    return check(response) if check else 200 <= response.status_code < 300


@pytest.mark.parametrize("name", sorted(n for n, c in REST_CASES.items() if not c.public))
def test_anonymous_is_refused(name, world):
    """Public endpoints (the case says why) are left out rather than skipped: a skip fails a strict run."""
    response = send(APIClient(), name, world, url_of(name, world))
    assert response.status_code in (401, 403), (name, response.status_code)


@pytest.mark.parametrize("name", sorted(REST_CASES))
def test_flag_holder_gets_through(name, world):
    response = send(token_client(world.admin_a), name, world, url_of(name, world))
    assert allowed(name, response), (name, response.status_code, response.content[:300])


@pytest.mark.parametrize("name", sorted(n for n, c in REST_CASES.items() if c.flag and not c.public))
def test_user_without_the_flag_gets_403(name, world):
    flag = REST_CASES[name].flag
    response = send(token_client(world.lacking(flag)), name, world, url_of(name, world))
    assert response.status_code == 403, (name, flag, response.status_code, response.content[:300])


@pytest.mark.parametrize("name", sorted(n for n, c in REST_CASES.items() if c.obj))
def test_another_tenants_object_is_404(name, world):
    """Even for the tenant's administrator, who holds every flag."""
    response = send(token_client(world.admin_a), name, world, url_of(name, world, key="b"))
    assert response.status_code == 404, (name, response.status_code, response.content[:300])


@pytest.mark.parametrize("name", sorted(n for n, c in REST_CASES.items() if c.obj in OUTSIDE and c.flag != "admin"))
def test_restricted_user_cannot_reach_an_object_outside_the_restriction(name, world):
    case = REST_CASES[name]
    inside = send(token_client(world.restricted), name, world, url_of(name, world))
    assert allowed(name, inside), (name, inside.status_code)
    outside = send(token_client(world.restricted), name, world, url_of(name, world, pk=OUTSIDE[case.obj](world)))
    assert outside.status_code == 404, (name, outside.status_code)


@pytest.mark.parametrize("name", sorted(n for n, c in REST_CASES.items() if c.seen))
def test_restricted_user_sees_only_what_the_restriction_allows(name, world):
    case = REST_CASES[name]
    seen = case.seen(send(token_client(world.restricted), name, world, url_of(name, world)))
    assert seen == world.visible(case.seen_kind), name
    everything = case.seen(send(token_client(world.admin_a), name, world, url_of(name, world)))
    assert world.visible(case.seen_kind) < everything, "the administrator sees more: the restriction is real"
    assert not everything & world.foreign(case.seen_kind), "tenant B's objects never appear"
