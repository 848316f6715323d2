"""`locale/` is kept current: every translatable string in the code is in each committed catalogue."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

REPO = Path(__file__).resolve().parent.parent
LANGUAGES = ("cs", "de")
MSGID = re.compile(r'^msgid "(.*)"\n((?:"(?:.*)"\n)*)', re.MULTILINE)


def msgids(po_file):
    text = po_file.read_text(encoding="utf-8")
    ids = set()
    for first, rest in MSGID.findall(text):
        whole = first + "".join(re.findall(r'^"(.*)"$', rest, re.MULTILINE))
        if whole:
            ids.add(whole)
    return ids


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext is not installed (apt-get install gettext)")
def test_every_translatable_string_is_in_the_catalogues(tmp_path):
    """makemessages runs on a copy of the source tree, so the committed catalogues are never touched."""
    tree = tmp_path / "tree"
    for part in ("apps", "voipmon", "templates"):
        shutil.copytree(REPO / part, tree / part, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(REPO / "manage.py", tree)
    for language in LANGUAGES:
        (tree / "locale" / language / "LC_MESSAGES").mkdir(parents=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "voipmon.settings.test", "VOIPMON_LOCALE_DIR": str(tree / "locale")}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", *(f"-l{lang}" for lang in LANGUAGES), "--no-obsolete"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for language in LANGUAGES:
        fresh = msgids(tree / "locale" / language / "LC_MESSAGES" / "django.po")
        committed = msgids(REPO / "locale" / language / "LC_MESSAGES" / "django.po")
        assert len(fresh) > 100
        missing = sorted(fresh - committed)
        assert not missing, (
            f"{len(missing)} strings missing from locale/{language}; run `make messages`:\n" + "\n".join(missing[:20])
        )


# --- Every entry of cs and de is translated --------------------------------------------------------------
# Fails on an untranslated or fuzzy entry and on a translation whose placeholders differ from the English,
# so a new string cannot land in English only. polib reads the catalogues; GNU msgfmt checks them again.

NPLURALS = {"cs": 3, "de": 2}
# %(name)s, %s, %d, %% and {name} / {0}: what a translation must keep, each as often as the English has it.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifgxXr%]|\{[A-Za-z0-9_]*\}")


def placeholders(text, entry):
    brace = "python-brace-format" in entry.flags
    return sorted(p for p in PLACEHOLDER.findall(text) if brace or not p.startswith("{"))


def catalogue(language):
    return polib.pofile(str(REPO / "locale" / language / "LC_MESSAGES" / "django.po"))


def problems(language):
    po = catalogue(language)
    found = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {entry.msgid!r}")
            continue
        if entry.msgid_plural:
            forms = [entry.msgstr_plural.get(index, "") for index in range(NPLURALS[language])]
            if len(entry.msgstr_plural) != NPLURALS[language] or not all(forms):
                found.append(f"untranslated plural form: {entry.msgid!r}")
            allowed = (placeholders(entry.msgid, entry), placeholders(entry.msgid_plural, entry))
            found += [
                f"placeholders differ: {entry.msgid!r} -> {form!r}"
                for form in forms
                if form and placeholders(form, entry) not in allowed
            ]
        elif not entry.msgstr:
            found.append(f"untranslated: {entry.msgid!r}")
        elif placeholders(entry.msgstr, entry) != placeholders(entry.msgid, entry):
            found.append(f"placeholders differ: {entry.msgid!r} -> {entry.msgstr!r}")
    return po, found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_with_the_same_placeholders(language):
    po, found = problems(language)
    assert len(po) > 100
    assert not found, f"locale/{language}: {len(found)} entries to fix:\n" + "\n".join(found[:30])


@pytest.mark.parametrize("language", LANGUAGES)
def test_headers_name_the_language_and_its_plural_rule(language):
    po = catalogue(language)
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == language
    nplurals = re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"])
    assert nplurals and int(nplurals.group(1)) == NPLURALS[language]


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext is not installed (apt-get install gettext)")
@pytest.mark.parametrize("language", LANGUAGES)
def test_msgfmt_accepts_the_catalogue(language, tmp_path):
    """GNU msgfmt's own checks: format strings of python-format entries, headers, plural forms."""
    po_file = REPO / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--check-format", "--statistics", "-o", str(tmp_path / "django.mo"), str(po_file)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_javascript_strings_go_through_a_djangojs_catalogue():
    """Today the scripts carry no words: they show texts the server rendered (data-* attributes). A script
    that calls gettext() needs the JavaScriptCatalog view and a djangojs catalogue in each language."""
    scripts = [
        path
        for path in (*REPO.glob("apps/*/static/**/*.js"), *REPO.glob("voipmon/static/**/*.js"))
        if not path.name.endswith(".min.js")
    ]
    calling = [path for path in scripts if re.search(r"\b(?:n|p|np)?gettext\s*\(", path.read_text(encoding="utf-8"))]
    for language in LANGUAGES if calling else ():
        catalogue_file = REPO / "locale" / language / "LC_MESSAGES" / "djangojs.po"
        assert catalogue_file.exists(), f"{calling[0]} calls gettext(): run makemessages -d djangojs -l {language}"
