"""The call browser's page through Django's test client: every filter of the FilterSet is a labelled
field, the rows are those a plain ORM query finds, the URL is the whole search, times follow the
user's zone, bad input is a 400 that names the field, saved filters, the CSV and the zip jobs.
Oracles: plain ORM queries on Cdr, zoneinfo, the csv module."""

import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from apps.browse.models import SavedFilter
from apps.browse.search import COLUMNS, RESERVED, grouped_names
from apps.capture.models import CaptureSettings
from apps.cdr.filtersets import CdrFilterSet
from apps.cdr.models import Cdr
from apps.media.models import ExportJob
from apps.users.services import user_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
ROW_ID = re.compile(r'<tr data-id="(\d+)"')
TOTAL = re.compile(r'data-total="(\d+)"')
CALLS = reverse("browse:calls")


@pytest.fixture
def calls(tenant_a, tenant_b, make_call):
    start = dt.datetime(2024, 3, 5, 8, 0, tzinfo=dt.UTC)
    made = []
    for n in range(40):
        made.append(
            make_call(
                tenant_a,
                calldate=(start + dt.timedelta(minutes=11 * n)).strftime("%Y-%m-%d %H:%M:%S"),
                caller=("00" if n % 3 == 0 else "420") + f"77{n:04d}",
                duration=float(5 + n * 13 % 200),
                lastSIPresponseNum=(486, 200, 404, 503)[n % 4],
                id_sensor=1 + n % 2,
                custom_headers={"X-Customer": f"cust-{n % 5}", "X-Secret": "s"},
            )
        )
    make_call(tenant_b, caller="0077999")
    return made


def ids(response):
    return [int(i) for i in ROW_ID.findall(response.content.decode())]


def total(response):
    return int(TOTAL.search(response.content.decode()).group(1))


def test_every_filter_of_the_filterset_is_one_labelled_field(client, user_a):
    names = grouped_names()
    assert len(names) == len(set(names)) and set(names) == set(CdrFilterSet.base_filters)
    assert not set(RESERVED) & set(CdrFilterSet.base_filters)
    client.force_login(user_a)
    html = client.get(f"{CALLS}?size=50").content.decode()
    for name in names:
        assert f'id="f-{name}" name="{name}"' in html, name
        assert re.search(rf'<label for="f-{name}"[^>]*>[^<]+</label>', html), name


def test_three_filters_find_what_a_plain_query_finds(client, user_a, calls, tenant_a):
    client.force_login(user_a)
    response = client.get(f"{CALLS}?caller=00%25&last_sip_response=4&duration_gt=20&size=25")
    expected = list(
        Cdr.objects.filter(
            tenant=tenant_a, caller__startswith="00", lastSIPresponseNum__gte=400, lastSIPresponseNum__lt=500
        )
        .filter(duration__gt=20)
        .order_by("-calldate", "-id")
        .values_list("id", flat=True)
    )
    assert response.status_code == 200 and expected
    assert ids(response) == expected[:25] and total(response) == len(expected)


@pytest.mark.parametrize("key", ["duration", "caller", "mos", "result"])
def test_sorting_by_a_column_both_ways(client, user_a, calls, tenant_a, key):
    field = {c.key: c.sort for c in COLUMNS}[key]
    client.force_login(user_a)
    for sign in ("-", ""):
        response = client.get(f"{CALLS}?sort={sign}{key}&size=100")
        rows = Cdr.objects.filter(tenant=tenant_a).values_list("id", field)
        nulls = [pk for pk, v in rows if v is None]
        ordered = sorted(((v, pk) for pk, v in rows if v is not None), reverse=bool(sign))
        assert [pk for pk in ids(response) if pk not in nulls] == [pk for _v, pk in ordered]


def test_pages_hold_every_call_once(client, user_a, calls, tenant_a):
    client.force_login(user_a)
    seen = []
    for page in (1, 2, 3):
        response = client.get(f"{CALLS}?size=25&page={page}")
        seen += ids(response)
    assert sorted(seen) == sorted(Cdr.objects.filter(tenant=tenant_a).values_list("id", flat=True))
    assert client.get(f"{CALLS}?size=25&page=9").status_code == 200  # past the end: no rows, not an error


def test_a_plain_form_submission_is_redirected_to_the_canonical_url(client, user_a):
    client.force_login(user_a)
    response = client.get(f"{CALLS}?number=&caller=00%25&called=&sort=-calldate&cols=caller&cols=called&size=50")
    assert response.status_code == 302 and response["Location"] == f"{CALLS}?caller=00%25&cols=caller%2Ccalled"
    htmx = client.get(f"{CALLS}?caller=00%25&called=", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    assert htmx.status_code == 200 and htmx["HX-Push-Url"] == f"{CALLS}?caller=00%25"
    assert "<form" not in htmx.content.decode().split("saved-heading")[0]  # the results alone


def test_times_and_date_filters_follow_the_users_time_zone(client, tenant_a, calls):
    user = user_create(username="nyc", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True},
                       timezone="America/New_York")  # fmt: skip
    client.force_login(user)
    zone = ZoneInfo("America/New_York")
    local_from = "2024-03-05 05:00:00"  # naive, in the user's zone
    response = client.get(f"{CALLS}?calldate_from={local_from}&sort=calldate&cols=calldate,id")
    bound = dt.datetime.fromisoformat(local_from).replace(tzinfo=zone)
    expected = list(
        Cdr.objects.filter(tenant=tenant_a, calldate__gte=bound)
        .order_by("calldate", "id")
        .values_list("id", "calldate")
    )
    assert ids(response) == [pk for pk, _c in expected]
    first = expected[0][1].astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
    assert f">{first}</a>" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("a_mos_f1_lte=abc", "MOS f1 at most"),
        ("sipcallerip=999.1.1.1", "Caller&#x27;s SIP address"),
        ("last_sip_response=48", "Last SIP response"),
        ("calldate_from=yesterday", "Started at or after"),
        ("sort=password", "Sort"),
        ("size=7", "Rows per page"),
        ("page=0", "Page"),
        ("cols=secret", "Columns"),
        ("custom_header__X-Nope=1", "not visible to you"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, tenant_a, query, named):
    user = user_create(username="hh", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True},
                       custom_headers_cdr="X-Customer")  # fmt: skip
    client.force_login(user)
    response = client.get(f"{CALLS}?{query}")
    assert response.status_code == 400
    assert named in response.content.decode().split('class="errors"')[1].split("</div>")[0]
    assert client.get(f"{reverse('browse:calls-csv')}?{query}").status_code == 400


def test_custom_headers_are_fields_for_those_who_may_see_them(client, tenant_a, calls):
    CaptureSettings.objects.create(tenant=tenant_a, custom_headers="X-Customer, X-Secret")
    user = user_create(username="hh", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True},
                       custom_headers_cdr="X-Customer")  # fmt: skip
    client.force_login(user)
    html = client.get(CALLS, follow=True).content.decode()
    assert 'name="custom_header__X-Customer"' in html and "custom_header__X-Secret" not in html
    response = client.get(f"{CALLS}?custom_header__X-Customer=cust-2&size=100&cols=headers")
    expected = sorted(c.pk for c in calls if c.custom_headers["X-Customer"] == "cust-2")
    assert sorted(ids(response)) == expected
    assert "X-Customer: cust-2" in response.content.decode() and "X-Secret" not in response.content.decode()
    assert client.get(f"{CALLS}?custom_header__X-Secret=s").status_code == 400


def test_the_csv_is_the_whole_search_in_order(client, user_a, calls, tenant_a):
    client.force_login(user_a)
    response = client.get(f"{reverse('browse:calls-csv')}?caller=420%25&sort=duration&cols=caller,duration,id&page=2")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["Caller", "Duration (s)", "Id"]
    expected = Cdr.objects.filter(tenant=tenant_a, caller__startswith="420").order_by("duration", "id")
    assert rows[1:] == [[c.caller, str(int(c.duration + 0.5)), str(c.pk)] for c in expected]  # every page


def test_saved_filters_save_replace_share_and_delete(client, user_a, admin_a, tenant_a):
    client.force_login(user_a)
    save = reverse("browse:saved-save")
    response = client.post(save, {"name": "intl", "query": "caller=00%25"})
    assert response.status_code == 302 and response["Location"] == f"{CALLS}?caller=00%25"
    client.post(save, {"name": "intl", "query": "caller=00%25&connected=true", "shared": "on"})
    saved = SavedFilter.objects.get(owner=user_a)  # the same name replaces the search
    assert (saved.query, saved.shared, saved.tenant_id) == ("caller=00%25&connected=true", True, tenant_a.pk)
    assert client.post(save, {"name": "", "query": "x=1"}).status_code == 302
    assert client.post(save, {"name": "n" * 101, "query": "x=1"}).status_code == 302
    assert SavedFilter.objects.count() == 1  # refused names kept nothing
    listing = client.get(CALLS, follow=True).content.decode()
    assert 'href="/calls/?caller=00%25&amp;connected=true">intl</a>' in listing
    client.force_login(admin_a)  # a tenant administrator sees and may delete a shared filter
    assert "intl" in client.get(CALLS, follow=True).content.decode()
    assert client.post(reverse("browse:saved-delete", args=[saved.pk])).status_code == 302
    assert not SavedFilter.objects.exists()


def test_a_zip_of_selected_calls_is_an_export_job_with_progress(client, tenant_a, calls):
    user = user_create(username="zed", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True, "can_pcap": True})
    client.force_login(user)
    create = reverse("browse:export-create")
    picked = [calls[0].pk, calls[1].pk]
    response = client.post(create, {"kind": "pcap", "cdr": picked}, HTTP_HX_REQUEST="true")
    job = ExportJob.objects.get(created_by=user)
    assert response.status_code == 200 and job.cdr_ids == picked and job.kind == "pcap"
    html = response.content.decode()
    assert f'hx-get="{reverse("browse:export-status", args=[job.pk])}" hx-trigger="every 1s"' in html
    status = client.get(reverse("browse:export-status", args=[job.pk]))
    assert status.status_code == 200 and f'data-status="{job.status}"' in status.content.decode()
    assert client.post(create, {"kind": "audio", "cdr": picked}).status_code == 403  # no can_download_audio
    assert client.post(create, {"kind": "pcap"}).status_code == 400
    assert client.post(create, {"kind": "tar", "cdr": picked}).status_code == 400
    assert client.post(create, {"kind": "pcap", "cdr": ["x"]}).status_code == 400
    assert ExportJob.objects.count() == 1


def test_the_bare_url_opens_the_last_days_calls(client, user_a, tenant_a, calls, make_call):
    now = dt.datetime.now(dt.UTC)
    recent = [make_call(tenant_a, calldate=(now - dt.timedelta(hours=h)).strftime("%Y-%m-%d %H:%M:%S")) for h in (1, 5)]
    make_call(tenant_a, calldate=(now - dt.timedelta(hours=30)).strftime("%Y-%m-%d %H:%M:%S"))
    client.force_login(user_a)
    response = client.get(CALLS)
    assert response.status_code == 302 and response["Location"] == f"{CALLS}?last_days=1"
    assert ids(client.get(response["Location"])) == [c.pk for c in recent]  # newest first


def test_the_home_forwards_to_the_call_browser_only_those_who_may_search(client, user_a, tenant_a):
    client.force_login(user_a)
    assert client.get("/")["Location"] == CALLS
    plain = user_create(username="plain", tenant=tenant_a, password=PASSWORD)
    client.force_login(plain)
    assert client.get("/").status_code == 200
    assert client.get(CALLS).status_code == 403
