"""The active-calls page in a real browser, against a running HEP listener: a call replayed over HEP
appears in the table (refreshed by htmx polling), Pause queues the command, the listener applies it and
the row turns to "paused" by itself; Resume turns it back. Oracles: the listener's own record of the
commands it applied, and the call's state as the legacy API reports it."""

from apps.live import hep
from apps.live.models import ActiveCall, ActiveCallCommand
from apps.users.services import user_create
from tests.a11y import assert_accessible
from tests.capture.reference import capture_path
from tests.conftest import PASSWORD
from tests.pages_browser import browser_marks, people, shot, wait_until  # noqa: F401 (fixture)

from .conftest import send_tcp, wait_for
from .test_listener import hep_of, legacy

pytestmark = browser_marks
CAPTURE = "sip_g711u_call_both_ways_loss_bye"


def test_pause_and_resume_an_active_call_and_see_its_state_change(
    people,  # noqa: F811
    live_server,
    tenant_a,
    hep_a,
    hep_server,
    client,
):
    agent = user_create(username="agent", tenant=tenant_a, password=PASSWORD, flags={"can_activecalls": True})
    packets = hep_of(capture_path(CAPTURE), *hep_a)
    t0 = hep.hep_decode(packets[0]).ts
    first = [p for p in packets if hep.hep_decode(p).ts - t0 < 10.0]  # the call is up and talking, not ended
    server = hep_server()
    send_tcp(server.port, first)
    assert wait_for(lambda: server.server.packets == len(first), 60), (server.server.packets, len(first))
    assert wait_for(lambda: ActiveCall.objects.filter(tenant=tenant_a, id_sensor=2).exists(), 60), server.server.drops
    ref = ActiveCall.objects.get(tenant=tenant_a, id_sensor=2).callref

    page = people("agent")
    page.click("nav.site-nav >> text=Active calls")
    row = page.locator(f'tr[data-callref="{ref}"]')
    row.wait_for(timeout=30_000)
    assert row.locator(".state-recording").count() == 1
    shot(page, "active-calls")
    assert_accessible(page)

    row.get_by_role("button", name="Pause").click()
    row.locator(".state-paused").wait_for(timeout=30_000)  # applied by the listener, seen by the next refresh
    shot(page, "active-calls-paused")
    applied = ActiveCallCommand.objects.get(callref=ref, command="pausecall")
    assert (applied.user_id, applied.result) == (agent.pk, "ok") and applied.applied_at is not None
    assert legacy(client, agent, "listActiveCalls", {})["rows"][0]["recording_paused"] is True

    resume = row.get_by_role("button", name="Resume")  # by keyboard: focus kept across the 2-s refreshes
    resume.focus()
    page.wait_for_timeout(2500)  # at least one refresh swaps the table under the focus
    assert page.evaluate("document.activeElement.textContent.trim()") == "Resume"
    page.keyboard.press("Enter")
    row.locator(".state-recording").wait_for(timeout=30_000)
    assert ActiveCallCommand.objects.get(callref=ref, command="unpausecall").applied_at is not None
    assert legacy(client, agent, "listActiveCalls", {})["rows"][0]["recording_paused"] is False
    server.stop()
