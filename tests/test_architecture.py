"""House rules that code review would miss: where the ORM lives, and the one scoping rule."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APPS = REPO / "apps"

THIN_LAYERS = ("api.py", "views.py", "serializers.py", "tasks.py")
ORM_CALL = re.compile(r"\.objects\b|\.save\(|\.delete\(\)|\.bulk_create\(|\.raw\(")
TENANT_OWNED = ("Cdr", "CdrRtp", "CdrDtmf", "Sensor", "UserGroup", "User", "Tenant", "ActiveCall", "ActiveCallCommand",
                "CallPause")
UNSCOPED = re.compile(r"\b(" + "|".join(TENANT_OWNED) + r")\.objects\.(?!visible_to\()")

# Reads that are deliberately not scoped by an actor, each with the reason.
UNSCOPED_ALLOWED = {
    ("apps/users/selectors.py", "User"): "authentication finds the user before any actor exists",
    ("apps/users/selectors.py", "User "): "rebuilding an actor from a user id in tasks",
    ("apps/tenants/selectors.py", "Tenant"): "superusers list tenants; commands find a tenant by slug",
    ("apps/sensors/selectors.py", "Sensor"): "the HEP listener maps agent ids to sensors before any actor exists",
    ("apps/live/selectors.py", "ActiveCallCommand"): "the HEP listener applies the commands of every tenant it serves",
}


def thin_files():
    for path in APPS.rglob("*.py"):
        if path.name in THIN_LAYERS or "legacy" in path.parts or path.parent.name == "api":
            yield path


def test_views_serializers_handlers_and_tasks_do_not_call_the_orm():
    offenders = []
    for path in thin_files():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if ORM_CALL.search(line) and not line.lstrip().startswith("#"):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == [], "ORM calls belong in selectors.py / services.py:\n" + "\n".join(offenders)


def test_reads_of_tenant_owned_models_go_through_visible_to():
    offenders = []
    for path in APPS.rglob("selectors.py"):
        rel = str(path.relative_to(REPO))
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for match in UNSCOPED.finditer(line):
                if not any(rel == f and match.group(1) == m.strip() for f, m in UNSCOPED_ALLOWED):
                    offenders.append(f"{rel}:{number}: {line.strip()}")
    assert offenders == [], "start every read from Model.objects.visible_to(actor):\n" + "\n".join(offenders)


def test_only_scoping_filters_by_tenant_in_selectors():
    offenders = []
    for path in APPS.rglob("selectors.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"filter\([^)]*tenant", line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == []
