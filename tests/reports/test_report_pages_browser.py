"""The report pages in a real browser: a user defines a report, renders it for a day, reads its
figures and sees its charts. Oracles: the number of calls whose start falls on that day in the user's
time zone (computed here with zoneinfo from the calls made), and the PNG decoded by Pillow."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

from PIL import Image

from apps.reports.models import ReportDefinition
from apps.users.services import user_create
from tests.a11y import assert_accessible
from tests.conftest import PASSWORD
from tests.pages_browser import browser_marks, people, shot, wait_until  # noqa: F401 (fixture)

pytestmark = browser_marks
DAY = dt.date(2024, 3, 5)


def test_create_a_report_and_render_it_with_figures_and_charts(people, live_server, tenant_a, make_call):  # noqa: F811
    user_create(username="rob", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True, "can_reports_edit": True})
    starts = ["2024-03-04 23:30:00", "2024-03-05 10:00:00", "2024-03-05 10:20:00", "2024-03-05 22:50:00",
              "2024-03-06 23:30:00"]  # fmt: skip
    for i, start in enumerate(starts):
        make_call(tenant_a, calldate=start, lastSIPresponseNum=486 if i == 2 else 200)
    zone = ZoneInfo(tenant_a.timezone)
    expected = sum(
        1 for s in starts if dt.datetime.fromisoformat(s).replace(tzinfo=dt.UTC).astimezone(zone).date() == DAY
    )

    page = people("rob")
    page.click("nav.site-nav >> text=Reports")
    page.click("#report-new")
    page.fill("#id_description", "Daily quality")
    page.select_option("#id_group_by", "hour")
    page.check("#fs-charts >> text=Calls per hour")
    page.check("#fs-charts >> text=SIP responses")
    shot(page, "report-new")
    assert_accessible(page)
    page.click("#report-form button[type=submit]")
    report = ReportDefinition.objects.get(tenant=tenant_a, description="Daily quality")
    page.wait_for_url(f"{live_server.url}/reports/{report.pk}/")
    assert (report.group_by, report.charts) == ("hour", ["calls_hourly", "sip_responses"])

    page.fill("#id_date_from", DAY.isoformat())
    page.fill("#id_date_to", DAY.isoformat())
    page.click("#render")
    page.locator("#figures").wait_for()
    assert int(page.locator('#figures [data-metric="calls"] dd').inner_text()) == expected
    wait_until(lambda: page.evaluate("document.getElementById('report-chart').naturalWidth") > 100)
    shot(page, "report-rendered")
    assert_accessible(page)

    chart = page.request.get(live_server.url + page.locator("#report-chart").get_attribute("src"))
    assert chart.status == 200 and chart.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(chart.body()))
    image.load()  # decodes every pixel
    assert image.format == "PNG" and image.width > 300 and image.height > 200
