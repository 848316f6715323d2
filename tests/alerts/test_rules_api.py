"""REST CRUD of alert rules: the issue's shape, clear 400s for bad kinds / params / filters / actions."""

import pytest

from apps.alerts.models import AlertRule
from apps.users.services import user_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
URL = "/api/v1/alert-rules/"
RULE = {
    "name": "Busy trunk",
    "kind": "sip_response",
    "threshold": 10,
    "count_mode": "percent_filtered",
    "window_minutes": 15,
    "filters": {"id_sensor": "1", "called": "00%"},
    "params": {"codes": ["486", "5xx"]},
    "active_days": [1, 2, 3, 4, 5],
    "active_hours": [8, 18],
    "once_per_hours": 4,
    "actions": [
        {"type": "email", "to": ["noc@example.com"]},
        {"type": "webhook", "url": "https://hooks.example.com/voipmon", "secret": "s3cret"},
    ],
}


@pytest.fixture
def editor(tenant_a, client):
    user_create(username="ed", tenant=tenant_a, password=PASSWORD, flags={"can_alerts_edit": True})
    client.login(username="ed", password=PASSWORD)
    return client


def test_rule_round_trip(editor):
    response = editor.post(URL, RULE, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    shown = [RULE["actions"][0], {"type": "webhook", "url": RULE["actions"][1]["url"], "secret_set": True}]
    assert {k: body[k] for k in RULE} == {**RULE, "threshold": 10.0, "once_per_hours": 4.0, "actions": shown}
    rule = AlertRule.objects.get(pk=body["id"])
    assert rule.tenant.slug == "acme" and rule.params == {"codes": ["486", "5xx"]}
    patched = editor.patch(f"{URL}{rule.pk}/", {"threshold": 20}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["threshold"] == 20.0
    assert editor.get(URL).json()["results"][0]["name"] == "Busy trunk"
    assert editor.delete(f"{URL}{rule.pk}/").status_code == 204
    assert not AlertRule.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "weather"}, "kind"),
        ({"count_mode": "some"}, "count_mode"),
        ({"threshold": 150}, "threshold"),
        ({"window_minutes": 0}, "window_minutes"),
        ({"filters": {"no_such_filter": "1"}}, "no_such_filter"),
        ({"filters": {"last_sip_response": "99x"}}, "last_sip_response"),
        ({"params": {"codes": ["486", "99"]}}, "params.codes"),
        ({"params": {"codes": []}}, "every"),
        ({"params": {"codes": ["486"], "colour": "red"}}, "colour"),
        ({"kind": "mos", "params": {}}, "value"),
        ({"kind": "concurrent_calls", "params": {"by": "moon"}}, "params.by"),
        ({"kind": "destination", "params": {"allow": ["+44"]}}, "params.allow"),
        ({"active_days": [0, 8]}, "active_days"),
        ({"active_hours": [8]}, "active_hours"),
        ({"actions": [{"type": "sms", "to": "1"}]}, "actions"),
        ({"actions": [{"type": "email", "to": ["not-an-address"]}]}, "not-an-address"),
        ({"actions": [{"type": "webhook", "url": "ftp://x", "secret": "k"}]}, "ftp://x"),
        ({"actions": [{"type": "webhook", "url": "https://x.example", "secret": ""}]}, "secret"),
        # PostgreSQL's jsonb cannot hold U+0000: refused on every database, never a 500
        ({"actions": [{"type": "webhook", "url": "https://x.example", "secret": "a\x00b"}]}, "NUL"),
        ({"filters": {"called": "00\x00"}}, "NUL"),
    ],
)
def test_bad_rule_is_a_400_naming_the_field_and_stores_nothing(editor, change, message):
    response = editor.post(URL, {**RULE, **change}, content_type="application/json")
    assert response.status_code == 400, response.content
    assert message in str(response.json())
    assert not AlertRule.objects.exists()


def test_filters_unknown_to_the_call_search_are_refused(editor):
    from apps.cdr.filtersets import CdrFilterSet

    assert "called" in CdrFilterSet.base_filters and "no_such_filter" not in CdrFilterSet.base_filters
    assert editor.post(URL, {**RULE, "filters": {"called": "00%"}}, content_type="application/json").status_code == 201


def test_names_are_unique_in_a_tenant_not_across(editor, tenant_b):
    from apps.alerts.services import alert_rule_create
    from apps.core.actor import system_actor

    alert_rule_create(actor=system_actor(tenant_b), **{**RULE, "filters": {}})
    assert editor.post(URL, RULE, content_type="application/json").status_code == 201
    second = editor.post(URL, RULE, content_type="application/json")
    assert second.status_code == 409 and "already exists" in second.json()["detail"], second.content
    assert AlertRule.objects.filter(tenant__slug="acme").count() == 1
    other = editor.post(URL, {**RULE, "name": "Other"}, content_type="application/json").json()
    renamed = editor.patch(f"{URL}{other['id']}/", {"name": RULE["name"]}, content_type="application/json")
    assert renamed.status_code == 409 and AlertRule.objects.get(pk=other["id"]).name == "Other"


def test_without_the_flag_rules_are_403(tenant_a, client, user_a):
    client.login(username="arthur", password=PASSWORD)
    assert client.get(URL).status_code == 403
    assert client.post(URL, RULE, content_type="application/json").status_code == 403
    assert not AlertRule.objects.exists()


def test_webhook_secrets_are_write_only(editor):
    """Never answered (create, read, list, update); a read shows whether one is set, and a write without the
    secret keeps the one stored for the same URL, while a new URL needs its own."""
    created = editor.post(URL, RULE, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    hook = {"type": "webhook", "url": "https://hooks.example.com/voipmon", "secret_set": True}
    reads = [created, editor.get(f"{URL}{pk}/"), editor.get(URL)]
    for response in reads:
        assert "s3cret" not in response.content.decode()
    assert reads[1].json()["actions"] == [RULE["actions"][0], hook]
    # the body a client read, written back as it is: the stored secret stays
    put = editor.put(f"{URL}{pk}/", reads[1].json(), content_type="application/json")
    assert put.status_code == 200 and "s3cret" not in put.content.decode(), put.content
    assert AlertRule.objects.get(pk=pk).actions[1] == RULE["actions"][1]
    moved = {"type": "webhook", "url": "https://other.example.com/hook"}
    refused = editor.patch(f"{URL}{pk}/", {"actions": [moved]}, content_type="application/json")
    assert refused.status_code == 400 and "secret" in str(refused.json())
    assert AlertRule.objects.get(pk=pk).actions[1] == RULE["actions"][1]
    rotated = editor.patch(f"{URL}{pk}/", {"actions": [{**moved, "secret": "new"}]}, content_type="application/json")
    assert rotated.status_code == 200 and rotated.json()["actions"] == [{**moved, "secret_set": True}]
    assert AlertRule.objects.get(pk=pk).actions == [{**moved, "secret": "new"}]
