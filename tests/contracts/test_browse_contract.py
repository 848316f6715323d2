"""The call browser's contract (issue 16): every page of `browse` has a case, and for each

- a visitor is sent to sign-in, a user without `can_cdr` gets 403 (before any object is looked up);
- another tenant's object (a saved filter, an export, a call to zip) is 404, the same as one that
  does not exist;
- the restricted user (sensor 1, numbers 420601%) sees exactly the calls the scope allows, in the
  page and in its CSV, whatever the search asks for.
"""

import csv
import io
import re

import pytest
from django.urls import get_resolver, reverse

from apps.browse.services import saved_filter_save
from apps.users.actor import actor_for_user
from apps.users.services import user_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# url name -> (method, kwargs that name an object); every page of the app must be here
PAGE_CASES = {
    "calls": ("get", {}),
    "calls-csv": ("get", {}),
    "saved-save": ("post", {}),
    "saved-open": ("get", {"filter_id": 1}),
    "saved-delete": ("post", {"filter_id": 1}),
    "export-create": ("post", {}),
    "export-status": ("get", {"job_id": 1}),
}
ROW_ID = re.compile(r'<tr data-id="(\d+)"')


def browse_names():
    resolver = get_resolver()
    namespace = resolver.namespace_dict["browse"][1]
    return {pattern.name for pattern in namespace.url_patterns}


def test_every_page_of_the_call_browser_has_a_case():
    assert browse_names() == set(PAGE_CASES)


@pytest.mark.parametrize("name", sorted(PAGE_CASES))
def test_visitors_sign_in_and_users_without_can_cdr_get_403(client, world, name):
    method, kwargs = PAGE_CASES[name]
    url = reverse(f"browse:{name}", kwargs=kwargs)
    response = getattr(client, method)(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client.force_login(world.lacking("can_cdr"))
    assert getattr(client, method)(url).status_code == 403


def page_ids(client, query=""):
    response = client.get(f"{reverse('browse:calls')}?{query}")
    assert response.status_code == 200
    return {int(i) for i in ROW_ID.findall(response.content.decode())}


def csv_callers(client, query=""):
    response = client.get(f"{reverse('browse:calls-csv')}?{query}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    return sorted(row[1] for row in rows[1:])


@pytest.mark.parametrize("query", ["size=50", "caller=%25", "id_sensor=1,2", "number=1555", "last_days=36500"])
def test_the_restricted_user_sees_only_the_calls_of_its_scope(client, world, query):
    client.force_login(world.restricted)
    assert page_ids(client, query) <= world.visible("call")
    assert not page_ids(client, query) & world.hidden("call")
    if query in ("size=50", "caller=%25"):
        assert page_ids(client, query) == world.visible("call")
        assert csv_callers(client, query) == [world.calls["inside"].caller]


def test_a_hidden_call_named_by_id_is_not_found_by_the_search(client, world):
    client.force_login(world.restricted)
    for key in ("out_number", "out_sensor", "foreign"):
        assert page_ids(client, f"id={world.calls[key].pk}") == set()


def test_saved_filters_of_another_tenant_or_of_a_colleague_are_404(client, world, user_b):
    theirs = saved_filter_save(actor=actor_for_user(user_b), name="globex", query="caller=1%25", shared=True)
    colleague = user_create(username="cole", tenant=world.tenant_a, password=PASSWORD, flags={"can_cdr": True})
    private = saved_filter_save(actor=actor_for_user(colleague), name="mine", query="called=2%25")
    shared = saved_filter_save(actor=actor_for_user(colleague), name="team", query="id_sensor=1", shared=True)
    client.force_login(world.restricted)
    for saved in (theirs, private):
        assert client.get(reverse("browse:saved-open", args=[saved.pk])).status_code == 404
        assert client.post(reverse("browse:saved-delete", args=[saved.pk])).status_code == 404
        assert saved.name not in client.get(f"{reverse('browse:calls')}?size=50").content.decode()
    opened = client.get(reverse("browse:saved-open", args=[shared.pk]))
    assert opened.status_code == 302 and opened["Location"] == f"{reverse('browse:calls')}?id_sensor=1"
    assert client.post(reverse("browse:saved-delete", args=[shared.pk])).status_code == 403  # not the owner
    assert client.get(reverse("browse:saved-open", args=[shared.pk])).status_code == 302  # still there


def test_exports_of_another_user_and_calls_of_another_tenant_are_404(client, world, make_call):
    from apps.media.services import export_create

    job = export_create(
        actor=actor_for_user(world.admin_a), kind="pcap", cdr_ids=[world.calls["inside"].pk], options={}
    )
    client.force_login(world.restricted)
    assert client.get(reverse("browse:export-status", args=[job.pk])).status_code == 404
    for key in ("foreign", "out_number"):
        response = client.post(reverse("browse:export-create"), {"kind": "pcap", "cdr": [world.calls[key].pk]})
        assert response.status_code == 404, key
