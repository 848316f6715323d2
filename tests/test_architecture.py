"""House rules that code review would miss: where the ORM lives, and the one scoping rule.

The tenant-owned models are read from the models themselves, not from a list kept by hand: every
model the scoping rule can filter states `scope_tenant_field` (the `TenantOwned` base class does it
for its subclasses; `User`, `Tenant` and `TenantAuthConfig` state it themselves). A new model that
derives from `TenantOwned` is checked from the day it is written.
"""

import ast
import re
from functools import cache
from pathlib import Path

from django.apps import apps

from apps.core.scoping import TenantOwned

REPO = Path(__file__).resolve().parent.parent
APPS = REPO / "apps"

THIN_LAYERS = ("api.py", "views.py", "serializers.py", "tasks.py")
ORM_CALL = re.compile(r"\.objects\b|\.save\(|\.delete\(\)|\.bulk_create\(|\.raw\(")
WRITES = ("create", "bulk_create")  # a new row takes its tenant from the actor (services) or the import's tenant

# Queries of tenant-owned models that are deliberately not scoped by an actor, each with the reason.
UNSCOPED_ALLOWED = {
    ("apps/users/selectors.py", "User"): "sign-in finds the user before any actor exists; tasks rebuild it by id",
    ("apps/users/services.py", "User"): "user names are unique across the installation",
    ("apps/tenants/selectors.py", "Tenant"): "superusers list tenants; commands find a tenant by slug",
    ("apps/tenants/services.py", "Tenant"): "tenant slugs are unique across the installation",
    ("apps/media/services.py", "ExportJob"): "the task finds its job by the id its service stored; expiry sweeps all",
    ("apps/capture/services.py", "CaptureUpload"): "the task finds its upload by the id its service stored",
    ("apps/sensors/selectors.py", "Sensor"): "the HEP listener maps agent ids to sensors before any actor exists",
    ("apps/sensors/services.py", "Sensor"): "HEP agent ids are unique across the installation; the listener's counters",
    ("apps/live/selectors.py", "ActiveCallCommand"): "the HEP listener applies the commands of every tenant it serves",
    ("apps/live/services.py", "ActiveCallCommand"): "the listener records that it applied a command (by its id)",
    ("apps/branding/selectors.py", "Branding"): "a request's host names its tenant before anyone signs in",
    ("apps/branding/services.py", "Branding"): "share hosts and domains are unique across tenants",
    ("apps/sharing/selectors.py", "ShareLink"): "a visitor opens a link by its token, with no account",
    ("apps/sharing/services.py", "ShareLink"): "opens of a link found by its token are counted by the link's id",
    ("apps/reports/delivery.py", "ReportSchedule"): "beat fires a schedule by the id its service stored",
    ("apps/reports/delivery.py", "ReportRun"): "the delivery task works on its run by id; the purge sweeps all tenants",
    ("apps/reports/delivery.py", "ReportDelivery"): "a run's recipients, reached through the run the task holds",
    ("apps/reports/delivery.py", "ReportSettings"): "the purge reads every tenant's retention",
}
# Models that point at a tenant but are read before anyone is signed in, so no actor can scope them.
TENANT_LINKED_UNSCOPED = {"tenants.TenantHost": "maps a host name to its tenant before any sign-in"}


@cache
def tenant_owned_models():
    return tuple(model for model in apps.get_models() if hasattr(model, "scope_tenant_field"))


def unscoped_query():
    names = sorted({model.__name__ for model in tenant_owned_models()})
    allowed = "|".join(["visible_to", *WRITES])
    return re.compile(r"\b(" + "|".join(names) + r")\.objects\.(?!(?:" + allowed + r")\()")


def thin_files():
    for path in APPS.rglob("*.py"):
        page = path.name.startswith("views_") or path.name.endswith(("_web.py",))  # pages, their forms and urls
        if path.name in THIN_LAYERS or page or "legacy" in path.parts or path.parent.name == "api":
            yield path


def query_files():
    """Selectors, services and the domain modules beside them: every module that may query (schema aside)."""
    for path in APPS.rglob("*.py"):
        if "migrations" not in path.parts and path.name != "models.py":
            yield path


def code_lines(path):
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.lstrip().startswith("#"):
            yield number, line


def test_views_serializers_handlers_and_tasks_do_not_call_the_orm():
    offenders = []
    for path in thin_files():
        for number, line in code_lines(path):
            if ORM_CALL.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == [], "ORM calls belong in selectors.py / services.py:\n" + "\n".join(offenders)


def test_tenant_owned_models_are_read_from_the_models():
    owned = {model._meta.label for model in tenant_owned_models()}
    subclasses = {model._meta.label for model in apps.get_models() if issubclass(model, TenantOwned)}
    assert subclasses <= owned
    # the ones the old hand-kept list missed are found now
    assert {"capture.CaptureUpload", "media.ExportJob", "core.AuditLog", "accounts.TenantAuthConfig"} <= owned
    for model in tenant_owned_models():
        assert hasattr(model._default_manager, "visible_to"), f"{model._meta.label} has no visible_to() manager"


def test_every_model_pointing_at_a_tenant_is_scoped():
    offenders = []
    for model in apps.get_models():
        label = model._meta.label
        points = any(
            field.is_relation
            and field.many_to_one | field.one_to_one
            and field.related_model is not None
            and field.related_model._meta.label == "tenants.Tenant"
            for field in model._meta.get_fields()
            if field.concrete
        )
        if points and not hasattr(model, "scope_tenant_field") and label not in TENANT_LINKED_UNSCOPED:
            offenders.append(label)
    assert offenders == [], "derive from TenantOwned (or state scope_tenant_field): " + ", ".join(offenders)


def test_reads_of_tenant_owned_models_go_through_visible_to():
    """Selectors, services and domain modules alike: a query starts from visible_to(actor)."""
    pattern, offenders = unscoped_query(), []
    for path in query_files():
        rel = str(path.relative_to(REPO))
        for number, line in code_lines(path):
            for match in pattern.finditer(line):
                if (rel, match.group(1)) not in UNSCOPED_ALLOWED:
                    offenders.append(f"{rel}:{number}: {line.strip()}")
    assert offenders == [], "start every read from Model.objects.visible_to(actor):\n" + "\n".join(offenders)


def test_the_unscoped_query_pattern_catches_what_it_should():
    pattern = unscoped_query()
    assert pattern.search("Cdr.objects.filter(tenant=t)")
    assert pattern.search("ExportJob.objects.get(pk=1)")
    assert not pattern.search("Cdr.objects.visible_to(actor).filter(id=1)")
    assert not pattern.search("CdrRtp.objects.bulk_create(rows)")
    assert not pattern.search("ApiToken.objects.filter(user=user)")  # reached through its user, not a tenant


def test_only_scoping_filters_by_tenant():
    offenders = []
    for path in query_files():
        if path == APPS / "core" / "scoping.py":
            continue
        for number, line in code_lines(path):
            if re.search(r"filter\([^)]*\btenant", line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == []


def decorator_names(function):
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        yield target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")


def test_tasks_are_the_thin_outer_edge():
    """A tasks.py imports no app code at module level; each task is `*_task` and imports its service inside."""
    offenders = []
    for path in APPS.rglob("tasks.py"):
        rel = path.relative_to(REPO)
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("apps.")):
                offenders.append(f"{rel}:{node.lineno}: module-level import of {node.module or '.'}")
            if isinstance(node, ast.FunctionDef) and {"shared_task", "task"} & set(decorator_names(node)):
                if not node.name.endswith("_task"):
                    offenders.append(f"{rel}:{node.lineno}: task {node.name} is not named *_task")
    assert offenders == [], "\n".join(offenders)


def test_services_import_their_tasks_at_the_top():
    offenders = []
    for path in APPS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ImportFrom) and (inner.module or "").split(".")[-1] == "tasks":
                        offenders.append(f"{path.relative_to(REPO)}:{inner.lineno}: tasks imported inside {node.name}")
    assert offenders == [], "\n".join(offenders)
