"""The alert pages in a real browser: a user creates a rule through the form and finds it listed; the
stored rule holds exactly what was typed (oracle: the row), and a rule the services refuse shows their
message without storing anything."""

from apps.alerts.models import AlertRule
from apps.users.services import user_create
from tests.a11y import assert_accessible
from tests.conftest import PASSWORD
from tests.pages_browser import browser_marks, people, shot  # noqa: F401 (fixture)

pytestmark = browser_marks


def test_create_an_alert_rule(people, live_server, tenant_a):  # noqa: F811
    flags = {"can_alerts_edit": True, "can_alerts_show_sent": True}
    user_create(username="ali", tenant=tenant_a, password=PASSWORD, flags=flags)
    page = people("ali")
    page.click("nav.site-nav >> text=Alerts")
    page.click("#rule-new")
    page.fill("#id_name", "Poor MOS on trunk")
    page.select_option("#id_kind", "mos")
    page.fill("#id_params", '{"value": 3.1}')
    page.fill("#id_threshold", "5")
    page.select_option("#id_count_mode", "percent_all")
    page.fill("#id_window_minutes", "15")
    page.fill("#id_filters", "caller=00420%")
    page.fill("#id_sensors", "1, 2")
    page.check("#fs-active_days >> text=Monday")
    page.check("#fs-active_days >> text=Friday")
    page.fill("#id_email_to", "noc@example.com, oncall@example.com")
    shot(page, "alert-rule-new")
    assert_accessible(page)
    page.click("#rule-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/alerts/")
    assert "Poor MOS on trunk" in page.locator("#rules").inner_text()
    shot(page, "alert-rules")
    assert_accessible(page)

    rule = AlertRule.objects.get(tenant=tenant_a)
    stored = (rule.name, rule.kind, rule.params, rule.threshold, rule.count_mode, rule.window_minutes, rule.filters,
              rule.sensors, rule.active_days, rule.actions)  # fmt: skip
    assert stored == (
        "Poor MOS on trunk", "mos", {"value": 3.1}, 5, "percent_all", 15, {"caller": "00420%"}, [1, 2], [1, 5],
        [{"type": "email", "to": ["noc@example.com", "oncall@example.com"]}],
    )  # fmt: skip

    # the services' refusal is the form's message, and nothing is stored
    page.click("#rule-new")
    page.fill("#id_name", "Bad")
    page.select_option("#id_kind", "mos")
    page.fill("#id_params", "{}")
    page.click("#rule-form button[type=submit]")
    assert page.locator("#form-error").inner_text().startswith("params")
    assert AlertRule.objects.filter(tenant=tenant_a).count() == 1
    page.click("nav.site-nav >> text=Alerts")
    page.click("ul.subnav >> text=Events")
    assert page.locator("h1").inner_text() == "Alert events"
