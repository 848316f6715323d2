"""The contract of the pages of this wave's features and of tenant administration (issue 16, items 5 and 6).

For every page, from a table:
- the flag that guards it: a user holding every other granting flag is refused (403), and a write
  refused that way changes nothing;
- another tenant's object in the URL is 404 (a write on it changes nothing);
- what the restricted user `rhea` (sensor 1, numbers 420601%) sees: only what the same rules as REST
  allow (active calls, alert events, sent reports), checked against the world's own objects;
- tenant administration refuses everyone but the tenant's administrators (a platform superuser too).
"""

import datetime as dt
import re

import pytest
from django.utils import timezone

from apps.alerts.models import AlertEvent, AlertEventCall
from apps.alerts.services import alert_rule_create
from apps.reports.models import ReportRun
from apps.reports.services import report_create, schedule_create
from apps.sharing.services import share_link_create
from apps.users.actor import actor_for_user
from apps.users.models import User, UserGroup
from apps.users.services import user_create, usergroup_create
from tests.conftest import PASSWORD

from .world import active_call_ref

pytestmark = pytest.mark.django_db


def objects(world):
    """One object of each kind in tenant A and in tenant B, made through the services."""
    if "pages" in world.extra:
        return world.extra["pages"]
    a = actor_for_user(world.admin_a)
    admin_b = user_create(username="bea", tenant=world.tenant_b, password=PASSWORD, is_admin=True)
    b = actor_for_user(admin_b)
    rule = {"kind": "mos", "params": {"value": 3.1}, "threshold": 1, "window_minutes": 5}
    objs = {
        "report": (report_create(actor=a, description="daily"), report_create(actor=b, description="daily")),
        "rule": (
            alert_rule_create(actor=a, name="low mos", **rule),
            alert_rule_create(actor=b, name="low mos", **rule),
        ),
        "share": (
            share_link_create(actor=a, cdr_id=world.calls["inside"].pk)[0],
            share_link_create(actor=b, cdr_id=world.calls["foreign"].pk)[0],
        ),
        "user": (world.restricted, admin_b),
        "group": (usergroup_create(actor=a, name="ops"), usergroup_create(actor=b, name="ops")),
        "sensor": (world.sensors["a1"], world.sensors["b1"]),
    }
    schedule = {"frequency": "daily", "time": "07:00", "recipients": ["x@example.com"]}
    objs["schedule"] = (
        schedule_create(actor=a, report=objs["report"][0], **schedule),
        schedule_create(actor=b, report=objs["report"][1], **schedule),
    )
    world.extra["pages"] = objs
    return objs


# (url with {id} for the object, flag(s) that open it (any of them), method, object kind)
PAGES = [
    ("/active-calls/", ("can_activecalls",), "get", None),
    ("/reports/", ("can_cdr", "can_reports_show_sent"), "get", None),
    ("/reports/new/", ("can_reports_edit",), "get", None),
    ("/reports/{id}/", ("can_cdr",), "get", "report"),
    ("/reports/{id}/edit/", ("can_reports_edit",), "get", "report"),
    ("/reports/{id}/chart.png?date_from=2024-03-05&date_to=2024-03-05", ("can_cdr",), "get", "report"),
    ("/reports/{id}/delete/", ("can_reports_edit",), "post", "report"),
    ("/reports/schedules/", ("can_reports_edit",), "get", None),
    ("/reports/schedules/{id}/", ("can_reports_edit",), "get", "schedule"),
    ("/reports/schedules/{id}/delete/", ("can_reports_edit",), "post", "schedule"),
    ("/reports/sent/", ("can_reports_show_sent",), "get", None),
    ("/alerts/", ("can_alerts_edit", "can_alerts_show_sent"), "get", None),
    ("/alerts/new/", ("can_alerts_edit",), "get", None),
    ("/alerts/{id}/", ("can_alerts_edit",), "get", "rule"),
    ("/alerts/{id}/delete/", ("can_alerts_edit",), "post", "rule"),
    ("/alerts/events/", ("can_alerts_show_sent",), "get", None),
    ("/shares/", ("can_cdr",), "get", None),
    ("/shares/{id}/revoke/", ("can_cdr",), "post", "share"),
    ("/admin-tenant/", ("admin",), "get", None),
    ("/admin-tenant/users/", ("admin",), "get", None),
    ("/admin-tenant/users/new/", ("admin",), "get", None),
    ("/admin-tenant/users/{id}/", ("admin",), "get", "user"),
    ("/admin-tenant/users/{id}/", ("admin",), "post", "user"),
    ("/admin-tenant/groups/", ("admin",), "get", None),
    ("/admin-tenant/groups/{id}/", ("admin",), "get", "group"),
    ("/admin-tenant/groups/{id}/delete/", ("admin",), "post", "group"),
    ("/admin-tenant/sensors/", ("admin",), "get", None),
    ("/admin-tenant/sensors/{id}/", ("admin",), "get", "sensor"),
    ("/admin-tenant/sensors/{id}/hep-key/", ("admin",), "post", "sensor"),
    ("/admin-tenant/sensors/{id}/delete/", ("admin",), "post", "sensor"),
    ("/admin-tenant/capture/", ("admin",), "get", None),
    ("/admin-tenant/branding/", ("admin",), "get", None),
]
IDS = [f"{method} {url}" for url, _flags, method, _kind in PAGES]


def lacking(world, flags):
    """A user of tenant A with every granting flag but these ("admin": every flag, not an administrator)."""
    if flags == ("admin",):
        return world.lacking("admin")
    key = "+".join(flags)
    if key not in world.users:
        user = world.lacking(flags[0])
        for flag in flags[1:]:
            setattr(user, flag, False)
        user.save()
        world.users[key] = user
    return world.users[key]


def snapshot():
    """What a refused write must leave as it was."""
    return (
        sorted(User.objects.values_list("pk", "username", "can_cdr", "blocked")),
        sorted(UserGroup.objects.values_list("pk", "name")),
        list(__import__("apps.reports.models", fromlist=["x"]).ReportDefinition.objects.values_list("pk", flat=True)),
        list(__import__("apps.alerts.models", fromlist=["x"]).AlertRule.objects.values_list("pk", flat=True)),
        list(__import__("apps.sharing.models", fromlist=["x"]).ShareLink.objects.values_list("pk", "revoked_at")),
        list(__import__("apps.sensors.models", fromlist=["x"]).Sensor.objects.values_list("pk", "hep_agent_id")),
    )


def call(client, method, url):
    return client.post(url, {"agent_id": "777", "username": "x", "name": "x"}) if method == "post" else client.get(url)


@pytest.mark.parametrize(("url", "flags", "method", "kind"), PAGES, ids=IDS)
def test_page_needs_its_flag(client, world, url, flags, method, kind):
    objs = objects(world)
    target = url.format(id=objs[kind][0].pk) if kind else url
    client.force_login(lacking(world, flags))
    before = snapshot()
    assert call(client, method, target).status_code == 403
    assert snapshot() == before
    if method == "get":  # the flag holder gets through (alerts: an events-only reader is sent on to the events)
        client.force_login(world.admin_a)
        assert client.get(target).status_code == 200


@pytest.mark.parametrize(
    ("url", "flags", "method", "kind"),
    [p for p in PAGES if p[3]],
    ids=[i for i, p in zip(IDS, PAGES, strict=True) if p[3]],
)
def test_another_tenants_object_is_404_and_unchanged(client, world, url, flags, method, kind):
    objs = objects(world)
    client.force_login(world.admin_a)
    before = snapshot()
    assert call(client, method, url.format(id=objs[kind][1].pk)).status_code == 404
    assert snapshot() == before


def test_tenant_administration_refuses_a_platform_superuser(client, world):
    root = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    client.force_login(root)
    for url in ("/admin-tenant/", "/admin-tenant/users/", "/admin-tenant/sensors/", "/admin-tenant/branding/"):
        assert client.get(url).status_code == 403, url


def refs_on_page(response):
    return set(re.findall(r'data-callref="(0x[0-9a-f]+)"', response.content.decode()))


def test_restricted_user_sees_only_active_calls_inside_the_restriction(client, world):
    client.force_login(world.restricted)
    shown = refs_on_page(client.get("/active-calls/"))
    assert shown == {active_call_ref(world.calls["inside"])}
    # the htmx refresh answers the rows alone, with the same rows
    fragment = client.get("/active-calls/", headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode() and refs_on_page(fragment) == shown
    client.force_login(world.admin_a)
    assert refs_on_page(client.get("/active-calls/")) == {
        active_call_ref(world.calls[k]) for k in ("inside", "out_number", "out_sensor")
    }


@pytest.mark.parametrize("hidden", ["out_number", "out_sensor", "foreign"])
def test_pausing_a_call_the_user_may_not_see_is_404_and_queues_nothing(client, world, hidden):
    from apps.live.models import ActiveCallCommand

    client.force_login(world.restricted)
    assert client.post(f"/active-calls/{active_call_ref(world.calls[hidden])}/pause/").status_code == 404
    assert not ActiveCallCommand.objects.exists()
    response = client.post(f"/active-calls/{active_call_ref(world.calls['inside'])}/pause/")
    assert response.status_code == 302
    assert list(ActiveCallCommand.objects.values_list("callref", "command", "user_id")) == [
        (active_call_ref(world.calls["inside"]), "pausecall", world.restricted.pk)
    ]


def test_restricted_user_sees_only_alert_events_about_calls_they_may_see(client, world):
    rule = objects(world)["rule"][0]
    now = timezone.now()
    events = {}
    for key in ("inside", "out_number"):
        window = {"window_start": now - dt.timedelta(minutes=5), "window_end": now}
        event = AlertEvent.objects.create(
            tenant=world.tenant_a,
            rule=rule,
            key=key,
            subject=f"subject-{key}",
            measured=2,
            threshold=1,
            call_ids=[world.calls[key].pk],
            call_count=1,
            **window,
        )
        AlertEventCall.objects.create(tenant=world.tenant_a, event=event, cdr=world.calls[key])
        events[key] = event
    client.force_login(world.restricted)
    page = client.get("/alerts/events/").content.decode()
    assert set(re.findall(r'data-event="(\d+)"', page)) == {str(events["inside"].pk)}
    client.force_login(world.admin_a)
    page = client.get("/alerts/events/").content.decode()
    assert set(re.findall(r'data-event="(\d+)"', page)) == {str(e.pk) for e in events.values()}


def test_restricted_user_sees_only_sent_reports_of_their_own_schedules(client, world):
    objs = objects(world)
    own = schedule_create(actor=actor_for_user(world.restricted), report=objs["report"][0], frequency="daily")
    now = timezone.now()
    runs = {}
    for name, schedule in (("tenant", objs["schedule"][0]), ("own", own), ("foreign", objs["schedule"][1])):
        runs[name] = ReportRun.objects.create(
            tenant_id=schedule.tenant_id, report=schedule.report, schedule=schedule, period_start=now - dt.timedelta(1),
            period_end=now, key=f"run-{name}", status="sent",
        )  # fmt: skip
    client.force_login(world.restricted)
    assert set(re.findall(r'data-run="(\d+)"', client.get("/reports/sent/").content.decode())) == {str(runs["own"].pk)}
    client.force_login(world.admin_a)
    shown = set(re.findall(r'data-run="(\d+)"', client.get("/reports/sent/").content.decode()))
    assert shown == {str(runs["tenant"].pk), str(runs["own"].pk)}


def test_share_links_own_for_users_all_of_the_tenant_for_administrators(client, world):
    objs = objects(world)
    admins_link = objs["share"][0]
    mine = share_link_create(actor=actor_for_user(world.restricted), cdr_id=world.calls["inside"].pk)[0]
    client.force_login(world.restricted)
    page = client.get("/shares/").content.decode()
    assert set(re.findall(r'data-link="(\d+)"', page)) == {str(mine.pk)}
    assert client.post(f"/shares/{admins_link.pk}/revoke/").status_code == 404  # another user's link
    admins_link.refresh_from_db()
    assert admins_link.revoked_at is None
    client.force_login(world.admin_a)
    page = client.get("/shares/").content.decode()
    assert set(re.findall(r'data-link="(\d+)"', page)) == {str(mine.pk), str(admins_link.pk)}
    assert client.post(f"/shares/{mine.pk}/revoke/").status_code == 302
    mine.refresh_from_db()
    assert mine.revoked_at is not None


def test_tenant_admin_lists_only_its_tenants_users_groups_and_sensors(client, world):
    objs = objects(world)
    client.force_login(world.admin_a)
    users = set(re.findall(r'data-user="([^"]+)"', client.get("/admin-tenant/users/").content.decode()))
    assert users == set(User.objects.filter(tenant=world.tenant_a).values_list("username", flat=True))
    groups = set(re.findall(r'data-group="(\d+)"', client.get("/admin-tenant/groups/").content.decode()))
    assert groups == {str(objs["group"][0].pk)}
    sensors = set(re.findall(r'data-sensor="(\d+)"', client.get("/admin-tenant/sensors/").content.decode()))
    assert sensors == {"1", "2"}


@pytest.mark.parametrize(
    "url",
    ["/active-calls/?sensor=abc", "/reports/{report}/?date_from=yesterday&date_to=2024-01-01",
     "/reports/{report}/?date_from=2024-02-01&date_to=2024-01-01", "/reports/{report}/chart.png?date_from=x&date_to=y"],
)  # fmt: skip
def test_bad_input_is_a_clear_400_not_a_500(client, world, url):
    objs = objects(world)
    client.force_login(world.admin_a)
    response = client.get(url.format(report=objs["report"][0].pk))
    assert response.status_code == 400
