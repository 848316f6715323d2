"""`locale/` is kept current: every translatable string in the code is in each committed catalogue."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

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
