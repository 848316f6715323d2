"""Passwords never reach the logs, although the legacy API carries them in query strings."""

import logging
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from apps.core.logredact import RedactSecretsFilter, redact

from .slapd import free_port

REPO = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


@pytest.mark.parametrize(
    "line",
    [
        '"GET /php/api.php?task=getVoipCalls&user=demo&password=hunter2&params={} HTTP/1.1" 200',
        "GET /php/model/sql.php?module=bypass_login&user=demo&pass=hunter2",
        'POST body {"user": "demo", "password": "hunter2"}',
        "GET /php/api.php?user=demo&password%3Dhunter2",
        "Cookie: PHPSESSID=hunter2",
    ],
)
def test_redact_removes_the_secret_and_keeps_the_rest(line):
    cleaned = redact(line)
    assert "hunter2" not in cleaned and "[REDACTED]" in cleaned


def test_bypass_login_module_name_is_not_mangled():
    assert redact("module=bypass_login&user=u") == "module=bypass_login&user=u"


def test_every_configured_handler_redacts_and_the_access_loggers_use_them():
    config = settings.LOGGING
    assert all("redact_secrets" in h.get("filters", []) for h in config["handlers"].values())
    for name in ("django.server", "django.request", "gunicorn.access"):
        assert config["loggers"][name]["handlers"], name


def test_runserver_access_log_line_is_redacted(caplog):
    logger = logging.getLogger("django.server")
    handler = logging.StreamHandler(stream := __import__("io").StringIO())
    handler.addFilter(RedactSecretsFilter())
    logger.addHandler(handler)
    try:
        logger.info('"%s" %s %s', "GET /php/api.php?task=x&user=demo&password=hunter2 HTTP/1.1", "200", "12")
    finally:
        logger.removeHandler(handler)
    assert "hunter2" not in stream.getvalue() and "password=[REDACTED]" in stream.getvalue()


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in this environment")
def test_gunicorn_access_log_has_no_password(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "voipmon.settings.local",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    process = subprocess.Popen(
        [str(GUNICORN), "voipmon.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "1", "--access-logfile", "-"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/api.php?task=getVoipCalls&user=demo&password=hunter2"
        for _attempt in range(100):
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(0.3)
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert "/api.php?task=getVoipCalls&user=demo&password=[REDACTED]" in output, output[-2000:]
    assert "hunter2" not in output
