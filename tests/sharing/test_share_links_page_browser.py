"""The share-links page in a real browser: a user revokes one of their links; the page says so and the
link itself no longer opens (oracle: the public share page, fetched as a visitor)."""

from apps.sharing.services import share_link_create
from apps.users.actor import actor_for_user
from tests.a11y import assert_accessible
from tests.pages_browser import browser_marks, people, shot  # noqa: F401 (fixture)

pytestmark = browser_marks


def test_revoke_a_share_link(people, live_server, sharer, make_call, tenant_a, client):  # noqa: F811
    call = make_call(tenant_a)
    link, token, _password = share_link_create(actor=actor_for_user(sharer), cdr_id=call.pk)
    other, other_token, _ = share_link_create(actor=actor_for_user(sharer), cdr_id=call.pk)
    assert client.get(f"/s/{token}/").status_code == 200

    page = people("sam")
    page.click("nav.site-nav >> text=Share links")
    row = page.locator(f'tr[data-link="{link.pk}"]')
    assert row.locator(".state").inner_text() == "active"
    row.get_by_role("button", name=f"Revoke share link {link.pk}").click()
    page.wait_for_url(f"{live_server.url}/shares/")
    assert f"Share link {link.pk} is revoked" in page.locator(".messages").inner_text()
    assert page.locator(f'tr[data-link="{link.pk}"] .state').inner_text() == "revoked"
    assert page.locator(f'tr[data-link="{other.pk}"] .state').inner_text() == "active"
    shot(page, "share-links")
    assert_accessible(page)

    gone = client.get(f"/s/{token}/")
    assert gone.status_code == 410 and "revoked" in gone.content.decode()
    assert client.get(f"/s/{other_token}/").status_code == 200
