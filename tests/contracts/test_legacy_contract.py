"""Every legacy task (api.php TASKS) and sql.php module (SQL_MODULES): the registry's flag is enforced
with the legacy error shape, another tenant's object is the legacy error, and the restricted user
never sees a call outside the restriction."""

import json

import pytest

from apps.legacy import handlers  # noqa: F401  (registers the tasks)
from apps.legacy.registry import SQL_MODULES, TASKS
from tests.conftest import PASSWORD

from .cases import API_TASK_CASES, OBJECT_MAKERS, OUTSIDE, SQL_MODULE_CASES

pytestmark = pytest.mark.django_db
SQL_KEYS = sorted(SQL_MODULE_CASES, key=str)


def test_every_api_task_has_a_contract_case():
    missing = sorted(set(TASKS) - set(API_TASK_CASES))
    stale = sorted(set(API_TASK_CASES) - set(TASKS))
    assert not missing, f"api.php tasks without a contract case in tests/contracts/cases.py: {missing}"
    assert not stale, f"contract cases for tasks that no longer exist: {stale}"


def test_every_sql_module_has_a_contract_case():
    missing = sorted(set(SQL_MODULES) - set(SQL_MODULE_CASES), key=str)
    stale = sorted(set(SQL_MODULE_CASES) - set(SQL_MODULES), key=str)
    assert not missing, f"sql.php modules without a contract case in tests/contracts/cases.py: {missing}"
    assert not stale, f"contract cases for sql.php modules that no longer exist: {stale}"


def test_cases_agree_with_the_registries_flags():
    wrong = [n for n, c in API_TASK_CASES.items() if c.flag and n in TASKS and TASKS[n].flag != c.flag]
    wrong += [k for k, c in SQL_MODULE_CASES.items() if c.flag and k in SQL_MODULES and SQL_MODULES[k][1] != c.flag]
    assert not wrong


def test_every_task_and_module_declares_a_flag():
    """A task open to every user of a tenant would be a hole: each one names its capability."""
    assert not [name for name, task in TASKS.items() if not task.flag]
    assert not [key for key, (_handler, flag) in SQL_MODULES.items() if not flag]


def api_call(client, user, task, params):
    query = {"task": task, "user": user.username, "password": PASSWORD, "params": json.dumps(params)}
    return client.get("/php/api.php", query)


def sql_call(client, user, key, fields):
    client.cookies.clear()
    login = client.post("/php/model/sql.php", {"module": "bypass_login", "user": user.username, "pass": PASSWORD})
    client.cookies["PHPSESSID"] = login.json()["SID"]
    module, task = key
    return client.get("/php/model/sql.php", {"module": module, **({"task": task} if task else {}), **fields})


def request_for(kind, key):
    if kind == "api":
        return API_TASK_CASES[key], TASKS[key].flag, lambda client, user, params: api_call(client, user, key, params)
    return SQL_MODULE_CASES[key], SQL_MODULES[key][1], lambda client, user, fields: sql_call(client, user, key, fields)


def is_error(response, fragment=""):
    if "json" not in response.get("Content-Type", ""):
        return False
    body = response.json()
    text = json.dumps(body.get("error"))
    return body.get("success") is False and fragment.lower() in text.lower()


def got_through(case, response):
    if case.allowed:
        return case.allowed(response)
    return "json" in response.get("Content-Type", "") and response.json().get("success") is True


ALL = [("api", name) for name in sorted(API_TASK_CASES)] + [("sql", key) for key in SQL_KEYS]


def ids(value):
    return f"{value[0]}:{value[1] if isinstance(value[1], str) else '/'.join(str(p) for p in value[1])}"


@pytest.mark.parametrize("entry", ALL, ids=ids)
def test_flag_holder_gets_through(entry, world, client):
    case, _flag, call = request_for(*entry)
    response = call(client, world.admin_a, case.params(world))
    assert got_through(case, response), (entry, response.content[:300])


@pytest.mark.parametrize("entry", ALL, ids=ids)
def test_user_without_the_flag_gets_the_legacy_permission_error(entry, world, client):
    case, flag, call = request_for(*entry)
    response = call(client, world.lacking(flag), case.params(world))
    assert response.status_code == 200 and is_error(response, "permission denied"), (entry, response.content[:300])
    assert response.json()["errors"]["reason"] == response.json()["error"]


@pytest.mark.parametrize("entry", [e for e in ALL if request_for(*e)[0].obj], ids=ids)
def test_another_tenants_object_is_the_legacy_error(entry, world, client):
    case, _flag, call = request_for(*entry)
    foreign = OBJECT_MAKERS[case.obj](world, "b")
    response = call(client, world.admin_a, case.params(world, foreign))
    assert is_error(response, "not found"), (entry, response.content[:300])


@pytest.mark.parametrize("entry", [e for e in ALL if request_for(*e)[0].obj in OUTSIDE], ids=ids)
def test_restricted_user_cannot_reach_an_object_outside_the_restriction(entry, world, client):
    case, _flag, call = request_for(*entry)
    assert got_through(case, call(client, world.restricted, case.params(world)))
    response = call(client, world.restricted, case.params(world, OUTSIDE[case.obj](world)))
    assert is_error(response, "not found"), (entry, response.content[:300])


@pytest.mark.parametrize("entry", [e for e in ALL if request_for(*e)[0].seen], ids=ids)
def test_restricted_user_sees_only_what_the_restriction_allows(entry, world, client):
    case, _flag, call = request_for(*entry)
    seen = case.seen(call(client, world.restricted, case.params(world)).json())
    assert seen == world.visible("call"), entry
    everything = case.seen(call(client, world.admin_a, case.params(world)).json())
    assert world.visible("call") < everything and not everything & world.foreign("call")
