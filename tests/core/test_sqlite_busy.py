"""On the embedded default (SQLite), concurrent writes wait for the lock instead of failing (issue 17, item 2).

A child process migrates its own SQLite file and runs threads that each exchange a password for a
token through REST: a read, then writes, inside one request transaction, the path that answered
"database is locked" (a 500) when a read lock could not be upgraded. Every request must answer 200
and every token must be in the table (counted with plain SQL by the child).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_concurrent_writes_on_sqlite_wait_instead_of_failing(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'busy.sqlite3'}", DJANGO_SETTINGS_MODULE="voipmon.settings.test")
    threads, rounds = 6, 8
    result = subprocess.run(
        [sys.executable, str(REPO / "tests" / "core" / "sqlite_writers.py"), str(threads), str(rounds)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    failures = [status for status in outcome["statuses"] if status != 200]
    assert failures == [], failures[:5]
    assert len(outcome["statuses"]) == threads * rounds and outcome["rows"] == threads * rounds
