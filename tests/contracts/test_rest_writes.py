"""Every REST write (POST / PUT / PATCH / DELETE an endpoint serves): the flag holder's write goes
through; a user without the flag or admin right gets 403, tenant B's object is 404, and a body naming
tenant B's object is refused; and a refused write leaves every table exactly as it was."""

import pytest
from django.apps import apps

from .cases import OBJECT_MAKERS
from .test_rest_contract import rest_requests, send, url_of
from .world import token_client

pytestmark = pytest.mark.django_db
WRITES = {key: case for key, case in sorted(rest_requests().items()) if key[1] != "get"}
# Bookkeeping a refused request may touch without changing anything anyone asked for.
IGNORED = {("accounts", "apitoken"): {"last_used_at"}, ("sessions", "session"): "*"}


def ids(key):
    return f"{key[1].upper()}-{key[0]}"


def db_state():
    """Every row of every table, so "nothing changed" means nothing at all."""
    state = {}
    for model in apps.get_models(include_auto_created=True):  # many-to-many tables too
        label = (model._meta.app_label, model._meta.model_name)
        skip = IGNORED.get(label, set())
        if skip == "*":
            continue
        columns = [field.attname for field in model._meta.concrete_fields if field.name not in skip]
        state[label] = list(model._base_manager.order_by("pk").values_list(*columns))
    return state


def assert_unchanged(before):
    after = db_state()
    changed = sorted(".".join(label) for label in before if before[label] != after.get(label))
    assert not changed, f"a refused write changed: {changed}"


def write(client, key, world, **kwargs):
    name, method = key
    case = WRITES[key]
    return send(client, name, world, url_of(name, world, case=case, **kwargs), case=case, method=method)


@pytest.mark.parametrize("key", sorted(WRITES), ids=ids)
def test_flag_holder_write_goes_through(key, world):
    response = write(token_client(world.admin_a), key, world)
    check = WRITES[key].allowed or (lambda r: 200 <= r.status_code < 300)
    assert check(response), (key, response.status_code, response.content[:300])


def refusable(case):
    return case.flag and not case.public


@pytest.mark.parametrize("key", sorted(k for k, c in WRITES.items() if refusable(c)), ids=ids)
def test_write_without_the_flag_is_403_and_changes_nothing(key, world):
    name, method = key
    case = WRITES[key]
    client = token_client(world.lacking(case.flag))
    url, body = url_of(name, world, case=case), case.data(world) if case.data else None
    before = db_state()
    response = send(client, name, world, url, case=case, method=method, data=body)
    assert response.status_code == 403, (key, case.flag, response.status_code, response.content[:300])
    assert_unchanged(before)
    if method != "delete":  # refused before the body is read: no validation message leaks
        empty = send(client, name, world, url, case=case, method=method, data={})
        assert empty.status_code == 403, (key, "empty body", empty.status_code, empty.content[:300])
        assert_unchanged(before)


@pytest.mark.parametrize("key", sorted(k for k, c in WRITES.items() if c.obj), ids=ids)
def test_write_to_another_tenants_object_is_404_and_changes_nothing(key, world):
    """Even for tenant A's administrator, who holds every flag."""
    name, method = key
    case = WRITES[key]
    client = token_client(world.admin_a)
    url = url_of(name, world, case=case, pk=OBJECT_MAKERS[case.obj](world, "b"))
    body = case.data(world) if case.data else None
    before = db_state()
    response = send(client, name, world, url, case=case, method=method, data=body)
    assert response.status_code == 404, (key, response.status_code, response.content[:300])
    assert_unchanged(before)


@pytest.mark.parametrize("key", sorted(k for k, c in WRITES.items() if c.foreign), ids=ids)
def test_write_naming_another_tenants_object_is_refused_and_changes_nothing(key, world):
    name, method = key
    case = WRITES[key]
    client = token_client(world.admin_a)
    url, body = url_of(name, world, case=case), case.foreign(world)
    before = db_state()
    response = send(client, name, world, url, case=case, method=method, data=body)
    assert response.status_code in (400, 404), (key, response.status_code, response.content[:300])
    assert_unchanged(before)
