"""Requests against the legacy and REST media endpoints, and what a test reads back from them."""

import io
import json
import shutil
import subprocess
import zipfile

import pytest

from tests.conftest import PASSWORD

BINARY_TYPES = ("audio/", "image/png", "application/vnd.tcpdump.pcap", "application/zip", "application/x-pcapng")


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def api(client, task, params=None, *, user, **top):
    query = {"task": task, "user": user, "password": PASSWORD, **top}
    if params is not None:
        query["params"] = json.dumps(params)
    return client.get("/php/api.php", query)


def legacy_error(response, fragment=""):
    """A failed binary download: the JSON error shape with a non-binary content type."""
    assert response.status_code == 200
    assert not response["Content-Type"].startswith(BINARY_TYPES), response["Content-Type"]
    body = json.loads(body_of(response))
    assert body["success"] is False and body["error"] == body["errors"]["reason"], body
    assert fragment.lower() in body["error"].lower(), body["error"]
    return body["error"]


def file_of(response, content_type):
    assert response.status_code == 200, body_of(response)[:300]
    assert response["Content-Type"].startswith(content_type), response["Content-Type"]
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return body_of(response)


def zip_members(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def tshark(path, *fields, extra=()):
    """tshark -r on a file: fails the test on any complaint; returns rows of the fields asked."""
    exe = shutil.which("tshark")
    if not exe:
        pytest.skip("tshark is not installed")
    cmd = [exe, "-r", str(path), *extra]
    if fields:
        cmd += ["-T", "fields", "-E", "separator=|", *sum((["-e", f] for f in fields), [])]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    complaints = [line for line in result.stderr.splitlines() if "Running as user" not in line and line.strip()]
    assert result.returncode == 0 and not complaints, result.stderr
    return [line.split("|") for line in result.stdout.splitlines()]
