"""An id that cannot exist is "not found" on every endpoint that takes one, never a 500 (issue 17, item 2).

4,400 digits (past Python's int() limit), 2^63 (past the database's bigint) and zero, on every REST
endpoint with an object in its URL (every method it serves) and every legacy task that takes a call id.
"""

import pytest

from .cases import API_TASK_CASES, REST_CASES, REST_WRITE_CASES
from .test_legacy_contract import api_call, is_error
from .test_rest_contract import send, url_of
from .world import token_client

pytestmark = pytest.mark.django_db
IMPOSSIBLE = ["9" * 4400, str(2**63), "0"]
# Active calls are named by the sniffer's call reference (0x + hex): the same three, in that form.
IMPOSSIBLE_OF = {"active_call": ["0x" + "f" * 4400, "0x" + format(2**64, "x"), "0x0"]}
REST_OBJECT_REQUESTS = sorted(
    {(name, case.method) for name, case in REST_CASES.items() if case.obj}
    | {(name, method) for (name, method), case in REST_WRITE_CASES.items() if REST_CASES[name].obj}
)


@pytest.mark.parametrize("request_key", REST_OBJECT_REQUESTS, ids=lambda key: f"{key[1].upper()} {key[0]}")
@pytest.mark.parametrize("which", range(3), ids=["4400-digits", "2^63", "zero"])
def test_rest_impossible_id_is_404(request_key, which, world):
    name, method = request_key
    pk = IMPOSSIBLE_OF.get(REST_CASES[name].obj, IMPOSSIBLE)[which]
    case = REST_WRITE_CASES.get(request_key, REST_CASES[name])
    url = url_of(name, world, pk=pk, case=REST_CASES[name])
    response = send(token_client(world.admin_a), name, world, url, case=case, method=method)
    assert response.status_code == 404, (name, method, response.status_code, response.content[:200])
    assert response.json()["detail"]


@pytest.mark.parametrize("task", sorted(name for name, case in API_TASK_CASES.items() if case.obj == "call"))
@pytest.mark.parametrize("pk", IMPOSSIBLE, ids=["4400-digits", "2^63", "zero"])
def test_legacy_impossible_call_id_is_the_legacy_error(task, pk, world, client):
    response = api_call(client, world.admin_a, task, API_TASK_CASES[task].params(world, pk))
    assert is_error(response), (task, response.content[:300])
    assert "internal error" not in response.json()["error"].lower()
