"""Every page a tenant administrator reaches through the navigation, plus a call's page, in each language
of the platform, in headless Chromium (issue 16): the page answers 200 in that language (`<html lang>`),
the navigation's labels are the catalogue's translations of the English ones, axe-core finds nothing
serious or critical, and a full-page screenshot is written to var/screenshots/<language>/<page>.png
(the folder CI keeps, to be looked at before the issue is resolved).

The pages are found by following the navigation, so a page added to it is screenshot with no change here.
The Django admin site and Swagger UI are other projects' pages in their own languages: left out.
"""

import gettext
import subprocess

import pytest
from django.utils import translation

from apps.accounts.navigation import NAV_ITEMS
from apps.capture.services import capture_import_file
from apps.cdr.models import Cdr
from apps.users.services import user_create, user_language_set
from tests.a11y import assert_accessible
from tests.accounts.test_browser import SHOTS, browser_page, pytestmark  # noqa: F401  (fixture and markers)
from tests.accounts.test_browser_home import block_outside_requests
from tests.conftest import PASSWORD, REPO, SHARED

CAPTURE = SHARED / "captures" / "sip_g711u_call_both_ways_loss_bye.pcap"
NOT_OURS = ("admin", "api-docs")


def catalogue(language, tmp_path):
    """The committed catalogue of `language`, compiled by msgfmt and read by Python's own gettext: the
    oracle for what each English label must read as (not Django's translation machinery)."""
    if language == "en":
        return gettext.NullTranslations()
    po = REPO / "locale" / language / "LC_MESSAGES" / "django.po"
    mo = tmp_path / f"{language}.mo"
    subprocess.run(["msgfmt", "-o", str(mo), str(po)], check=True)
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)


@pytest.mark.parametrize("language", ["en", "cs", "de"])
def test_every_page_in_every_language(browser_page, live_server, tenant_a, settings, tmp_path, language):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    capture_import_file(tenant=tenant_a, id_sensor=1, path=CAPTURE)
    call = Cdr.objects.filter(tenant=tenant_a).order_by("id").first()
    user = user_create(username="ivana", tenant=tenant_a, password=PASSWORD, is_admin=True)
    user_language_set(user=user, language=language)
    translated = catalogue(language, tmp_path).gettext
    with translation.override("en"):
        english_of = {item.key: str(item.label) for item in NAV_ITEMS}
    shots = SHOTS / language
    shots.mkdir(parents=True, exist_ok=True)
    page = browser_page
    blocked = block_outside_requests(page)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "ivana")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    links = page.locator("nav.site-nav a").evaluate_all("as => as.map(a => [a.dataset.nav, a.getAttribute('href')])")
    pages = [(key, href) for key, href in links if key not in NOT_OURS]
    assert {"calls", "profile"} <= {key for key, _ in pages}, links
    pages.append(("call", f"/calls/{call.pk}/"))

    for key, href in pages:
        response = page.goto(f"{live_server.url}{href}")
        assert response.status == 200, (key, href, response.status)
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == language, key
        labels = dict(page.locator("nav.site-nav a").evaluate_all("as => as.map(a => [a.dataset.nav, a.innerText])"))
        for nav_key, shown in labels.items():
            assert shown.strip() == translated(english_of[nav_key]), (key, nav_key, shown)
        assert_accessible(page)
        page.screenshot(path=str(shots / f"{key}.png"), full_page=True)
    assert blocked == []
