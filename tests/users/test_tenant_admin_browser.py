"""Tenant administration in a real browser: an administrator gives a user the active-calls capability
and restricts them to a sensor; the user's own navigation gains "Active calls" on the next page, the
page opens, and the user's stored flags are what was chosen (oracle: the database row). Taking the flag
away takes the link away again. A HEP key is generated and shown once."""

import hashlib

from apps.sensors.models import Sensor
from apps.users.services import user_create
from tests.a11y import assert_accessible
from tests.conftest import PASSWORD
from tests.pages_browser import browser_marks, nav_labels, people, shot  # noqa: F401 (fixture)

pytestmark = browser_marks


def test_admin_changes_a_users_flags_and_the_users_navigation_follows(people, live_server, tenant_a):  # noqa: F811
    user_create(username="alice", tenant=tenant_a, password=PASSWORD, is_admin=True)
    nina = user_create(username="nina", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True})
    nina_page = people("nina")
    assert "Active calls" not in nav_labels(nina_page)
    assert nina_page.goto(f"{live_server.url}/active-calls/").status == 403

    admin = people("alice")
    admin.click("nav.site-nav >> text=Tenant administration")
    admin.click("ul.subnav >> text=Users")
    admin.click("#users >> text=nina")
    assert admin.locator("#id_username").is_disabled()
    admin.select_option("#id_can_activecalls", "1")  # labelled select: from the group / yes / no
    admin.check("#id_enable_sensors_1")  # sensor 2 only (the second box)
    admin.fill("#id_restrict_numbers", "420601%")
    shot(admin, "tenant-admin-user")
    assert_accessible(admin)
    admin.click("#user-form button[type=submit]")
    admin.wait_for_url(f"{live_server.url}/admin-tenant/users/")
    assert "User nina is changed." in admin.locator(".messages").inner_text()
    shot(admin, "tenant-admin-users")
    assert_accessible(admin)

    nina.refresh_from_db()
    assert (nina.can_activecalls, nina.enable_sensors, nina.restrict_numbers) == (True, [2], "420601%")
    assert nina.can_cdr is True and nina.can_pcap is None  # untouched flags keep their value

    nina_page.goto(f"{live_server.url}/")
    assert "Active calls" in nav_labels(nina_page)
    nina_page.click("nav.site-nav >> text=Active calls")
    assert nina_page.locator("h1").inner_text() == "Active calls"
    shot(nina_page, "active-calls-empty")

    admin.click("#users >> text=nina")
    admin.select_option("#id_can_activecalls", "0")
    admin.click("#user-form button[type=submit]")
    admin.wait_for_url(f"{live_server.url}/admin-tenant/users/")
    nina_page.goto(f"{live_server.url}/")
    assert "Active calls" not in nav_labels(nina_page)


def test_admin_generates_a_hep_key_shown_once(people, live_server, tenant_a):  # noqa: F811
    user_create(username="alice", tenant=tenant_a, password=PASSWORD, is_admin=True)
    admin = people("alice")
    admin.goto(f"{live_server.url}/admin-tenant/sensors/")
    admin.click("#sensors >> text=acme sensor 2")
    admin.fill("#id_agent_id", "4242")
    admin.click("#hep-generate")
    key = admin.locator("#hep-key").inner_text().strip()
    shot(admin, "tenant-admin-hep-key")
    assert_accessible(admin)
    sensor = Sensor.objects.get(tenant=tenant_a, id_sensor=2)
    assert sensor.hep_agent_id == 4242 and sensor.hep_key_hash and len(key) >= 16
    scheme, salt, digest = sensor.hep_key_hash.split("$")  # the stored hash is of the key shown (recomputed here)
    assert (scheme, digest) == ("sha256", hashlib.sha256((salt + key).encode()).hexdigest())
    admin.goto(f"{live_server.url}/admin-tenant/sensors/{sensor.pk}/")
    assert key not in admin.content()  # never shown again
    assert "agent 4242" in admin.locator("#hep").inner_text()
