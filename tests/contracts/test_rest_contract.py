"""Every REST endpoint: its capability flag (403 without it), tenant isolation (another tenant's object
is 404) and the restricted user's view (never a call or sensor outside the restriction)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from .cases import OBJECT_MAKERS, OUTSIDE, REST_CASES
from .world import token_client

pytestmark = pytest.mark.django_db


def rest_endpoint_names(patterns=None, prefix=""):
    """URL names of everything served under /api/ (format-suffix twins share their name)."""
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            names |= rest_endpoint_names(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.lstrip("^").startswith("api/") and pattern.name:
            names.add(pattern.name)
    return names


def test_every_rest_endpoint_has_a_contract_case():
    served = rest_endpoint_names()
    missing = sorted(served - set(REST_CASES))
    stale = sorted(set(REST_CASES) - served)
    assert not missing, f"REST endpoints without a contract case in tests/contracts/cases.py: {missing}"
    assert not stale, f"contract cases for endpoints that no longer exist: {stale}"


def test_every_flagless_endpoint_says_why():
    unexplained = sorted(
        name for name, case in REST_CASES.items() if case.flag is None and not (case.note or case.public)
    )
    assert not unexplained, f"endpoints open to every signed-in user must say why (note=...): {unexplained}"


def url_of(name, world, key="a", pk=None):
    case = REST_CASES[name]
    if case.obj:
        pk = pk if pk is not None else OBJECT_MAKERS[case.obj](world, key)
        return reverse(name, kwargs={"pk": pk})
    return reverse(name)


def send(client, name, world, url):
    case = REST_CASES[name]
    data = case.data(world) if case.data else None
    return getattr(client, case.method)(url, data=data if data is not None else case.query, format="json")


def allowed(name, response):
    check = REST_CASES[name].allowed
    return check(response) if check else 200 <= response.status_code < 300


@pytest.mark.parametrize("name", sorted(REST_CASES))
def test_anonymous_is_refused(name, world):
    case = REST_CASES[name]
    if case.public:
        pytest.skip(f"public: {case.public}")
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


@pytest.mark.parametrize("name", sorted(n for n, c in REST_CASES.items() if c.obj in OUTSIDE))
def test_restricted_user_cannot_reach_an_object_outside_the_restriction(name, world):
    case = REST_CASES[name]
    if case.flag == "admin":
        pytest.skip("administrators only")
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
