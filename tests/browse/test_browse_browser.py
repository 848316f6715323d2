"""The call browser in a real headless Chromium (Debian's `chromium`, Playwright), every request that leaves
the machine blocked: sign in (no `next`: the call browser), search with three filters, rows against a
plain ORM oracle, sort, page, save the search, the CSV of the search parsed, keyboard, a zip of the
selected calls with its progress, and axe-core on the page. Screenshots land in var/screenshots/.
"""

import csv
import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

from apps.capture.services import capture_import_file
from apps.cdr.models import Cdr
from apps.users.services import user_create
from tests.a11y import assert_accessible, axe_run, blocking_violations
from tests.accounts.test_browser import SHOTS, browser_page, pytestmark  # noqa: F401  (fixture and markers)
from tests.accounts.test_browser_home import block_outside_requests
from tests.conftest import PASSWORD, SHARED

FLAGS = {"can_cdr": True, "can_pcap": True, "can_download_audio": True}
CAPTURE = SHARED / "captures" / "sip_g711u_call_both_ways_loss_bye.pcap"


def seed(tenant_a, tenant_b, make_call):
    """70 calls of tenant A of the last ten hours, spread over numbers, sensors, answers and durations;
    a few of tenant B. (The imported capture's call is older: the bare /calls/ shows the last day.)"""
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=10)
    for n in range(70):
        make_call(
            tenant_a,
            calldate=(start + dt.timedelta(minutes=7 * n)).strftime("%Y-%m-%d %H:%M:%S"),
            caller=("420601" if n % 5 else "1555") + f"{n:04d}",
            id_sensor=1 if n % 7 else 2,
            duration=float(10 + (n * 37) % 300),
            connect_duration=None if n % 4 == 0 else float((n * 37) % 300),
            lastSIPresponseNum=486 if n % 4 == 0 else 200,
        )
    for n in range(5):
        make_call(tenant_b, caller=f"420601{n:04d}", id_sensor=1)


def oracle(tenant, order):
    """The three filters as a plain ORM query, independent of the FilterSet."""
    return list(
        Cdr.objects.filter(tenant=tenant, caller__startswith="420601", id_sensor=1, connect_duration__isnull=False)
        .order_by(*order)
        .values_list("id", flat=True)
    )


def shown_ids(page):
    return [
        int(i) for i in page.locator("#calls-table tbody tr[data-id]").evaluate_all("rs => rs.map(r => r.dataset.id)")
    ]


def arrived(page, *parts):
    """Wait for the URL the server pushed (HX-Push-Url) and for htmx to have swapped the results."""
    page.wait_for_url(lambda url: all(part in url for part in parts))
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")


def test_call_browser_journey(browser_page, live_server, tenant_a, tenant_b, make_call, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    seed(tenant_a, tenant_b, make_call)
    capture_import_file(tenant=tenant_a, id_sensor=1, path=CAPTURE)
    user_create(username="olga", tenant=tenant_a, password=PASSWORD, flags=FLAGS)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser_page
    blocked = block_outside_requests(page)

    # sign in without `next`: the call browser
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "olga")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/calls/?last_days=1")
    day = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    every = Cdr.objects.filter(tenant=tenant_a, calldate__gte=day).count()
    assert every == 70
    assert int(page.locator("#total-count").get_attribute("data-total")) == every
    assert page.locator("nav.site-nav a[aria-current=page]").inner_text() == "Calls"
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "calls.png"))

    # three filters, typed and chosen with the keyboard's help: / focuses the search
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "f-number"
    page.fill("#f-last_days", "")  # the landing's window off: three filters, no more
    page.fill("#f-caller", "420601%")
    page.locator("#group-addresses summary").click()
    page.fill("#f-id_sensor", "1")
    page.locator("#group-sip summary").click()
    page.select_option("#f-connected", "true")
    page.locator("#group-display summary").click()
    page.select_option("#f-size", "25")
    page.click("#search-submit")
    arrived(page, "connected=true")
    expected = oracle(tenant_a, ("-calldate", "-id"))
    assert 25 < len(expected) <= 50  # two pages of 25
    assert int(page.locator("#total-count").get_attribute("data-total")) == len(expected)
    assert shown_ids(page) == expected[:25]
    assert (
        "caller=420601%25" in page.url
        and "id_sensor=1" in page.url
        and "called=" not in page.url
        and "size=25" in page.url
    )
    page.screenshot(path=str(SHOTS / "calls-search.png"), full_page=True)

    # the URL is the whole search: opening it anew gives the same list
    searched = page.url
    page.goto(searched)
    assert shown_ids(page) == expected[:25]

    # sort by duration: longest first, then shortest first
    page.click("th[data-col=duration] a")
    arrived(page, "sort=-duration")
    assert shown_ids(page) == oracle(tenant_a, ("-duration", "-id"))[:25]
    assert page.locator("th[data-col=duration]").get_attribute("aria-sort") == "descending"
    page.click("th[data-col=duration] a")
    arrived(page, "sort=duration")
    ascending = oracle(tenant_a, ("duration", "id"))
    assert shown_ids(page) == ascending[:25]

    # the next page
    page.click("#page-next")
    arrived(page, "page=2")
    assert shown_ids(page) == ascending[25:50]
    assert "page 2 of 2" in page.locator("#total").inner_text()

    # j / k walk the rows, the link of the current row has the focus
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.closest('tr').dataset.id") == str(ascending[26])
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.closest('tr').dataset.id") == str(ascending[25])
    href = page.evaluate("document.activeElement.getAttribute('href')")
    assert href == f"/calls/{ascending[25]}/"

    # save the search; it is listed, and opens the same search
    page.fill("#saved-name", "Answered 420601 on sensor 1")
    page.click("#saved-submit")
    page.wait_for_selector("#saved-list >> text=Answered 420601 on sensor 1")
    assert "is saved as" in page.locator(".messages").inner_text()
    page.click("#saved-list >> text=Answered 420601 on sensor 1")
    arrived(page, "sort=duration")
    assert shown_ids(page) == ascending[:25]  # the saved search starts at its first page

    # the CSV of the current search: every row, in order, with the chosen columns
    with page.expect_download() as download:
        page.click("#csv-link")
    text = open(download.value.path(), encoding="utf-8").read()
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:3] == ["Start (Europe/Prague)", "Caller", "Called"]
    calls = {c.pk: c for c in Cdr.objects.filter(pk__in=ascending)}
    assert [row[1] for row in table[1:]] == [calls[pk].caller for pk in ascending]
    prague = ZoneInfo("Europe/Prague")
    assert table[1][0] == calls[ascending[0]].calldate.astimezone(prague).strftime("%Y-%m-%d %H:%M:%S")

    # a zip of the selected calls' pcaps, with its progress: the imported call
    imported = Cdr.objects.filter(tenant=tenant_a).exclude(pcap_full="").order_by("pk").first()
    page.goto(f"{live_server.url}/calls/?id={imported.pk}")
    page.check(f"input[name=cdr][value='{imported.pk}']")
    page.click("#zip-pcap")
    job = page.locator("#export-status .export").first
    job.locator("a.button").wait_for()
    assert job.get_attribute("data-status") == "done"
    assert job.locator("progress").get_attribute("value") == "100"
    page.screenshot(path=str(SHOTS / "calls-export.png"), full_page=True)
    with page.expect_download() as download:
        job.locator("a.button").click()
    with zipfile.ZipFile(download.value.path()) as archive:
        members = archive.namelist()
        assert len(members) == 1
        assert archive.read(members[0])[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x0a\x0d\x0d\x0a")
    assert_accessible(page)
    assert blocked == [], blocked


def test_the_accessibility_helper_finds_what_it_should(browser_page, live_server):  # noqa: F811
    """The helper's oracle: a page with an unlabelled field and an image without text is refused."""
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    assert blocking_violations(axe_run(page)) == []
    page.evaluate(
        "() => { const i = document.createElement('input'); document.body.append(i);"
        " const img = document.createElement('img'); img.src = 'data:,'; document.body.append(img); }"
    )
    found = {v["id"] for v in blocking_violations(axe_run(page))}
    assert {"label", "image-alt"} <= found, found
