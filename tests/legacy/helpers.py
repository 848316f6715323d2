import json

from tests.conftest import PASSWORD


def api_get(client, task, params=None, *, user, password=PASSWORD, **extra):
    query = {"task": task, "user": user, "password": password, **extra}
    if params is not None:
        query["params"] = params if isinstance(params, str) else json.dumps(params)
    response = client.get("/php/api.php", query)
    assert response.status_code == 200
    return response.json()


def calls(client, params, *, user):
    return api_get(client, "getVoipCalls", params, user=user)


def ids_of(body):
    assert body["success"] is True, body
    return sorted(row["cdrId"] for row in body["cdr"])


def assert_legacy_error(body, fragment=""):
    assert body["success"] is False, body
    assert body["errors"]["reason"] == body["error"]
    assert fragment.lower() in body["error"].lower(), body["error"]


def sql_login(client, user="arthur", password=PASSWORD):
    """bypass_login and keep the session cookie on the client, as the GUI's scripts do."""
    body = client.get("/php/model/sql.php", {"module": "bypass_login", "user": user, "pass": password}).json()
    assert body["success"] is True, body
    client.cookies[body["cookie_name"]] = body["SID"]
    return body


def sql_get(client, **query):
    response = client.get("/php/model/sql.php", query)
    assert response.status_code == 200
    return response.json()


def listing(client, **filters):
    return sql_get(client, task="LISTING", module="CDR", **{"limit": 1000, **filters})


def listing_ids(client, **filters):
    body = listing(client, **filters)
    assert body["success"] is True, body
    return sorted(row["ID"] for row in body["results"])
