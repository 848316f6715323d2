"""Fixtures for the Django-free media core: the shared captures, sox, and synthetic RTP streams."""

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def captures_dir() -> Path:
    shared = Path(os.environ.get("VOIPMON_SHARED_DIR", REPO.parent / "shared"))
    path = shared / "captures"
    if not path.is_dir():
        pytest.skip(f"shared captures not found at {path} (set VOIPMON_SHARED_DIR)")
    return path


@pytest.fixture(scope="session")
def sox():
    """A function running Debian sox on raw G.711 bytes and returning int16 samples."""
    exe = shutil.which("sox")
    if not exe:
        pytest.skip("sox is not installed (apt-get install sox)")

    def run(raw: bytes, law: str) -> np.ndarray:
        out = subprocess.run(
            [exe, "-t", law, "-r", "8000", "-c", "1", "-", "-t", "raw", "-e", "signed", "-b", "16", "-L", "-"],
            input=raw,
            capture_output=True,
            check=True,
        ).stdout
        return np.frombuffer(out, dtype="<i2")

    return run
