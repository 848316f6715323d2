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


# ---------------------------------------------------------------- Django side: calls imported from the captures

MEDIA_FLAGS = {"can_cdr": True, "can_pcap": True, "can_play_audio": True, "can_download_audio": True}


@pytest.fixture
def media_root(settings, tmp_path):
    """Stored pcaps and exports go to a temporary media root (the worker fixture uses the same path)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def import_capture(tenant_a, media_root, captures_dir):
    """Import a shared capture into tenant A (sensor 1); returns its calls, oldest first."""
    from apps.capture.services import capture_import_file
    from apps.cdr.models import Cdr

    def run(name, tenant=tenant_a, id_sensor=1):
        before = set(Cdr.objects.filter(tenant=tenant).values_list("pk", flat=True))
        capture_import_file(tenant=tenant, id_sensor=id_sensor, path=captures_dir / name)
        return list(Cdr.objects.filter(tenant=tenant).exclude(pk__in=before).order_by("calldate", "pk"))

    return run


@pytest.fixture
def media_user(tenant_a):
    from apps.users.services import user_create
    from tests.conftest import PASSWORD

    return user_create(username="mia", tenant=tenant_a, password=PASSWORD, flags=MEDIA_FLAGS)


@pytest.fixture
def make_user(tenant_a):
    from apps.users.services import user_create
    from tests.conftest import PASSWORD

    def make(username, flags, tenant=tenant_a, **extra):
        return user_create(username=username, tenant=tenant, password=PASSWORD, flags=flags, **extra)

    return make


@pytest.fixture
def rest():
    """An API client authenticated with the user's token."""
    from rest_framework.test import APIClient

    from apps.accounts.services import apitoken_issue

    def client_for(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {apitoken_issue(user=user)}")
        return client

    return client_for
