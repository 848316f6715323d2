"""Which app may import which: `core` is a leaf, and no two apps need each other to load.

How it works: every module under `apps/` (migrations aside) is parsed with `ast`, never imported, so
the test sees imports that a lazy `import` inside a function would hide at run time. Each
`import apps.X...` / `from apps.X... import` (and relative imports climbing out of the app) names an
edge from the module's app to app X.

- `core` may import no other app at all, at module level or inside a function: what the base viewset
  needs from `users` and `tenants` is registered into `apps.core.api.hooks` by their AppConfig.ready().
- Between apps, the graph of module-level imports (statements executed when the module loads, i.e.
  not inside a function body) has no cycle. A cycle is reported with one file per edge, so the import
  to move is named. Imports inside functions are tolerated here (they are how a task reaches its
  service), but they are still edges of the graph that the leaf rule reads.
"""

import ast
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APPS = REPO / "apps"


def app_modules():
    for path in sorted(APPS.rglob("*.py")):
        rel = path.relative_to(APPS)
        if "migrations" in rel.parts or len(rel.parts) < 2:
            continue
        yield rel.parts[0], path


def imported_modules(node, path):
    """Dotted names an import statement loads, with relative imports resolved against `path`."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level == 0:
        return [node.module or ""]
    package = list(path.relative_to(REPO).with_suffix("").parts[:-1])
    if path.name == "__init__.py":
        package = list(path.relative_to(REPO).parent.parts)
    base = package[: len(package) - (node.level - 1)]
    return [".".join([*base, node.module] if node.module else base)]


def imports_of(tree, path, *, module_level_only):
    """Yield (imported dotted name, line) for the module's imports, optionally skipping function bodies."""

    def visit(nodes):
        for node in nodes:
            if module_level_only and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            for name in imported_modules(node, path):
                yield name, node.lineno
            yield from visit(ast.iter_child_nodes(node))

    yield from visit(tree.body)


def app_edges(*, module_level_only):
    """{(from_app, to_app): ["apps/x/file.py:12", ...]} for imports that cross from one app to another."""
    edges = defaultdict(list)
    for app, path in app_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        for name, line in imports_of(tree, path, module_level_only=module_level_only):
            parts = name.split(".")
            if len(parts) >= 2 and parts[0] == "apps" and parts[1] != app:
                edges[(app, parts[1])].append(f"{path.relative_to(REPO)}:{line}")
    return edges


def cycles(edges):
    """Every elementary cycle's smallest representative, found by depth-first search from each app."""
    graph = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)
    found = set()

    def walk(start, node, trail):
        for nxt in sorted(graph[node]):
            if nxt == start:
                found.add(tuple(trail))
            elif nxt not in trail and nxt > start:  # each cycle once, from its smallest app
                walk(start, nxt, [*trail, nxt])

    for start in sorted(graph):
        walk(start, start, [start])
    return sorted(found)


def test_core_imports_no_other_app():
    edges = app_edges(module_level_only=False)
    offenders = [
        f"core -> {target}: {where}"
        for (source, target), places in edges.items()
        if source == "core"
        for where in places
    ]
    assert offenders == [], "apps/core is a leaf; register a hook instead:\n" + "\n".join(sorted(offenders))


def test_no_module_level_import_cycle_between_apps():
    edges = app_edges(module_level_only=True)
    report = []
    for cycle in cycles(edges):
        steps = list(zip(cycle, [*cycle[1:], cycle[0]], strict=True))
        report.append(" -> ".join([*cycle, cycle[0]]) + ": " + "; ".join(edges[step][0] for step in steps))
    assert report == [], "apps import each other at module level:\n" + "\n".join(report)


def test_the_checks_see_both_kinds_of_import(tmp_path):
    """The parser finds absolute, relative and function-local imports (so a pass means something)."""
    package = tmp_path / "apps" / "demoapp" / "sub"
    package.mkdir(parents=True)
    path = package / "mod.py"
    path.write_text("from apps.cdr import models\nfrom ...users import actor\ndef f():\n    import apps.tenants.x\n")
    tree = ast.parse(path.read_text())
    global REPO
    saved, REPO = REPO, tmp_path
    try:
        everything = [name for name, _line in imports_of(tree, path, module_level_only=False)]
        top = [name for name, _line in imports_of(tree, path, module_level_only=True)]
    finally:
        REPO = saved
    assert everything == ["apps.cdr", "apps.users", "apps.tenants.x"]
    assert top == ["apps.cdr", "apps.users"]
    assert cycles({("a", "b"): [], ("b", "c"): [], ("c", "a"): [], ("c", "d"): []}) == [("a", "b", "c")]
