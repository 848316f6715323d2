"""The page language: the browser's (Accept-Language) until the user picks one in the profile, then that one.

The expected words come from the committed catalogues compiled by GNU msgfmt and read by Python's own
gettext module, not from Django's translation machinery and not written out here.
"""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from apps.users.models import LANGUAGE_CHOICES, User
from tests.accounts.helpers import page_text, sign_in

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext is not installed (apt-get install gettext)")


@pytest.fixture(scope="module")
def compiled_locale(tmp_path_factory):
    root = tmp_path_factory.mktemp("locale")
    for language in ("cs", "de"):
        target = root / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        source = REPO / "locale" / language / "LC_MESSAGES" / "django.po"
        subprocess.run(["msgfmt", "-o", str(target / "django.mo"), str(source)], check=True, timeout=60)
    return root


@pytest.fixture
def catalogues(compiled_locale, settings):
    """The app serves the compiled catalogues; the test reads the same files through stdlib gettext."""
    settings.LOCALE_PATHS = [str(compiled_locale)]

    def word(language, english):
        translated = gettext.translation("django", str(compiled_locale), languages=[language]).gettext(english)
        assert translated != english, f"{english!r} has no {language} translation"
        return translated

    return word


def profile(client, **meta):
    return page_text(client.get(reverse("accounts:profile"), **meta))


def test_the_choices_are_the_configured_languages_each_named_in_itself(settings):
    assert [code for code, _ in LANGUAGE_CHOICES] == [code for code, _ in settings.LANGUAGES]
    assert dict(LANGUAGE_CHOICES) == {"en": "English", "cs": "Čeština", "de": "Deutsch"}


def test_without_a_choice_the_browser_language_is_used(client, user_a, catalogues):
    client.force_login(user_a)
    html = profile(client, HTTP_ACCEPT_LANGUAGE="cs,en;q=0.5")
    assert catalogues("cs", "Your profile") in html and '<html lang="cs">' in html
    assert "Your profile" in profile(client, HTTP_ACCEPT_LANGUAGE="en")


def test_the_chosen_language_wins_over_the_browser_and_survives_signing_in_again(client, user_a, catalogues):
    client.force_login(user_a)
    response = client.post(reverse("accounts:language"), {"language": "de"}, HTTP_ACCEPT_LANGUAGE="cs")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    assert User.objects.get(pk=user_a.pk).language == "de"

    html = profile(client, HTTP_ACCEPT_LANGUAGE="cs")
    for english in ("Your profile", "Your language is saved.", "Two-factor authentication"):
        assert catalogues("de", english) in html
    assert '<html lang="de">' in html and catalogues("cs", "Your profile") not in html
    assert '<option value="de" selected>Deutsch</option>' in html

    client.logout()
    client.cookies.clear()  # a new browser: only the stored choice can bring German back
    assert sign_in(client, "arthur", meta={"HTTP_ACCEPT_LANGUAGE": "cs"}).status_code == 302
    assert catalogues("de", "Your profile") in profile(client, HTTP_ACCEPT_LANGUAGE="cs")


def test_choosing_nothing_hands_back_to_the_browser(client, user_a, catalogues):
    User.objects.filter(pk=user_a.pk).update(language="de")
    client.force_login(user_a)
    client.post(reverse("accounts:language"), {"language": ""})
    assert User.objects.get(pk=user_a.pk).language == ""
    assert catalogues("cs", "Your profile") in profile(client, HTTP_ACCEPT_LANGUAGE="cs")


@pytest.mark.parametrize("value", ["fr", "de-xx", "x" * 50])
def test_a_language_not_offered_is_refused_and_changes_nothing(client, user_a, value):
    client.force_login(user_a)
    response = client.post(reverse("accounts:language"), {"language": value}, follow=True)
    assert response.status_code == 200
    assert "Choose a language from the list." in page_text(response)
    assert User.objects.get(pk=user_a.pk).language == ""


def test_the_language_page_needs_sign_in_and_post(client, user_a):
    assert client.post(reverse("accounts:language"), {"language": "de"}).status_code == 302
    assert User.objects.get(pk=user_a.pk).language == ""
    client.force_login(user_a)
    assert client.get(reverse("accounts:language")).status_code == 405
