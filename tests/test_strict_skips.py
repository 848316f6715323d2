"""The strict switch .ci/run sets: a skip for a missing capture, tool or service fails the run; only the
"PostgreSQL only" skip passes, on SQLite. Run on a small test file in a separate pytest process."""

import os
import subprocess
import sys

from tests.conftest import REPO

SAMPLE = """
import pytest

from tests.strict_skips import skip_unless_postgres


def test_runs():
    assert True


def test_tool_missing():
    pytest.skip("sox is not installed")


@pytest.mark.skipif(True, reason="shared captures not found")
def test_capture_missing():
    pass


def test_postgres_feature():
    skip_unless_postgres("the plan of an expression index")
"""


def run_sample(tmp_path, strict, module_skip=False):
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    if module_skip:
        (tmp_path / "test_whole.py").write_text('import pytest\npytest.skip("no Redis", allow_module_level=True)\n')
    env = {**os.environ, "PYTHONPATH": str(REPO), "VOIPMON_TESTS_STRICT": "1" if strict else "0"}
    env.pop("VOIPMON_TESTS_COUNT_FILE", None)
    args = ["-p", "tests.strict_skips", "-p", "no:django", "-p", "no:cacheprovider", "-q", "-rfEs", str(tmp_path)]
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--rootdir", str(tmp_path), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return out.returncode, out.stdout


def test_without_the_switch_skips_pass(tmp_path):
    code, out = run_sample(tmp_path, strict=False)
    assert code == 0, out
    assert "1 passed, 3 skipped" in out and "1 tests ran on SQLite; 3 skipped (1 PostgreSQL only)" in out


def test_with_the_switch_a_missing_tool_or_capture_fails_and_postgresql_only_passes(tmp_path):
    code, out = run_sample(tmp_path, strict=True)
    assert code == 1, out
    assert "1 failed, 1 passed, 1 skipped, 1 error" in out, out  # a skip in setup is an error, in the call a failure
    assert "FAILED test_sample.py::test_tool_missing" in out and "ERROR test_sample.py::test_capture_missing" in out
    assert "VOIPMON_TESTS_STRICT=1: skipped, which a strict run does not allow: sox is not installed" in out


def test_with_the_switch_a_module_that_skips_itself_is_an_error(tmp_path):
    code, out = run_sample(tmp_path, strict=True, module_skip=True)
    assert code != 0 and "ERROR test_whole.py" in out, out
