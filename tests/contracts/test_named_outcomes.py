"""What the contracts count as "the flag holder got through" on media: a file, or one of the named
"not available" outcomes; never a 5xx, "Internal error" or a plain 4xx."""

import json

from django.http import HttpResponse, JsonResponse

from tests.conftest import REPO

from .cases import media_reached, reached


def answer(body, status=200):
    """A JSON response as the test client hands it over (with `.json()`)."""
    response = JsonResponse(body, status=status)
    response.json = lambda: json.loads(response.content)
    return response


def legacy_error(text):
    return answer({"success": False, "errors": {"reason": text}, "error": text})


def rest_error(status, code, detail="x"):
    return answer({"detail": detail, "code": code}, status=status)


def test_rest_media_accepts_only_2xx_and_the_named_outcomes():
    assert reached(HttpResponse(b"\xd4\xc3\xb2\xa1", status=200))
    for status, code in ((404, "file_missing"), (422, "media_unavailable"), (409, "not_ready"), (410, "expired")):
        assert reached(rest_error(status, code)), (status, code)
    assert not reached(HttpResponse(b"<h1>Server Error (500)</h1>", status=500))
    assert not reached(rest_error(500, "file_missing"))
    assert not reached(rest_error(503, "unavailable"))
    assert not reached(rest_error(400, "invalid"))
    assert not reached(rest_error(404, "not_found", "Not found."))
    assert not reached(answer({"detail": "Not found."}, status=404))


def test_legacy_media_accepts_only_a_file_or_the_named_not_available_errors():
    assert media_reached(HttpResponse(b"RIFF....", content_type="audio/x-wav"))
    assert media_reached(legacy_error("The capture of call 12 is not available on the server."))
    assert media_reached(legacy_error("Call 12 has no audio: no RTP voice stream was captured."))
    assert not media_reached(legacy_error("Internal error; the administrator can find it in the server log."))
    assert not media_reached(legacy_error("Call not found."))
    assert not media_reached(legacy_error("You do not have permission to do this."))
    assert not media_reached(HttpResponse(b"oops", status=500, content_type="text/html"))


def test_ci_runs_lint_and_the_strict_switch():
    script = (REPO / ".ci" / "run").read_text()
    assert "\nmake lint\n" in script
    assert "export VOIPMON_TESTS_STRICT=1" in script
    makefile = (REPO / "Makefile").read_text()
    assert "ruff format --check ." in makefile and "ruff check ." in makefile
