"""The media core must stay importable and testable without Django (STYLE.md: plain modules)."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# streams, pcapmerge and siphistory read packets with apps.capture's reader, which is Django-free too
MODULES = [
    "amr", "audio", "bundle", "codecs", "errors", "graphs", "i18n", "ladder", "pcapmerge", "siphistory", "streams",
    "timeline",
]  # fmt: skip


def test_media_core_imports_no_django():
    code = (
        "import sys\n"
        + "".join(f"import apps.media.{m}\n" for m in MODULES)
        + ("bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\nassert not bad, bad\n")
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
