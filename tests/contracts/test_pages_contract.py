"""The pages' contract, starting with the home at `/` (issue 16).

- A visitor is sent to sign-in, with `next` bringing them back to `/`.
- The navigation shows a link only when its page lets the user in: for every link shown, the page
  answers 200; for every page of the table left out, the page itself refuses this user (403, or the
  admin's redirect to sign-in). So a missing flag hides its link, and no link ever leads to a refusal.
- Times on the home page are in the user's time zone, else the tenant's (oracle: zoneinfo).
"""

import re
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from apps.accounts.navigation import NAV_ITEMS
from apps.users.services import user_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NAV_LINK = re.compile(r'<a href="([^"]+)" data-nav="([^"]+)"')


def nav_keys(response):
    return {key: url for url, key in NAV_LINK.findall(response.content.decode())}


@pytest.fixture
def superuser(db):
    from apps.users.models import User

    return User.objects.create_superuser("root", "root@example.com", PASSWORD)


def test_a_visitor_is_sent_to_sign_in_and_back(client):
    response = client.get("/")
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert target.path == reverse("accounts:login")
    assert parse_qs(target.query)["next"] == ["/"]
    assert client.get(response["Location"]).status_code == 200  # the sign-in page itself, no menu on it
    assert b'data-nav="' not in client.get(response["Location"]).content


def test_the_sign_in_form_brings_the_user_back_home(client, user_a):
    response = client.post(f"{reverse('accounts:login')}?next=/", {"username": "arthur", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")  # a user who may search calls goes on to the call browser
    assert home.status_code == 302 and home["Location"] == reverse("browse:calls")
    assert client.get(home["Location"], follow=True).status_code == 200


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("no_flags", {"home", "api-docs", "profile"}),
        ("can_cdr", {"calls", "api-docs", "profile"}),  # the home forwards them to the calls
        ("tenant_admin_staff", {"calls", "uploads", "api-docs", "profile"}),
        ("superuser", {"home", "api-docs", "profile", "admin"}),  # a platform operator, in no tenant
    ],
)
def test_navigation_shows_exactly_the_pages_that_let_the_user_in(client, tenant_a, superuser, who, expected):
    if who == "superuser":
        user = superuser
    else:
        flags = {"can_cdr": True} if who == "can_cdr" else {}
        user = user_create(username=who, tenant=tenant_a, password=PASSWORD, flags=flags, is_admin=who.startswith("t"))
        if who == "tenant_admin_staff":  # staff in Django's sense, still not the platform's operator
            user.is_staff = True
            user.save()
    client.force_login(user)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    shown = nav_keys(response)
    assert set(shown) == expected
    for item in NAV_ITEMS:  # the oracle is each page's own answer, not the navigation's code
        url = reverse(item.url_name)
        if item.key in shown:
            assert shown[item.key] == url
            status = client.get(url, follow=True).status_code  # the bare call browser opens the last day
            assert status == 200, (who, url, status)
        else:
            status = client.get(url).status_code
            assert status in (302, 403), (who, url, status)


def test_a_flag_taken_away_takes_its_link_away(client, tenant_a):
    user = user_create(username="flo", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True})
    client.force_login(user)
    assert "calls" in nav_keys(client.get(reverse("browse:calls"), follow=True))
    user.can_cdr = False
    user.save()
    assert "calls" not in nav_keys(client.get("/"))
    assert client.get(reverse("browse:calls")).status_code == 403
    assert "calls" not in nav_keys(client.get(reverse("accounts:profile")))  # every page shares the menu
    assert client.get(reverse("cdr-list")).status_code == 403


@pytest.mark.parametrize(("own_zone", "shown_zone"), [("America/New_York", "America/New_York"), ("", "Europe/Prague")])
def test_home_times_are_in_the_users_time_zone(client, tenant_a, own_zone, shown_zone):
    user = user_create(username="tz", tenant=tenant_a, password=PASSWORD, timezone=own_zone)
    client.force_login(user)
    user.refresh_from_db()
    page = client.get("/").content.decode()
    assert f'<dd id="home-timezone">{shown_zone}</dd>' in page
    local = user.last_login.astimezone(ZoneInfo(shown_zone))
    shown = re.search(r'<time id="home-last-login" datetime="([^"]+)">([^<]+)</time>', page)
    assert shown.group(1) == local.isoformat()
    assert shown.group(2).startswith(local.strftime("%Y-%m-%d %H:%M:%S"))
