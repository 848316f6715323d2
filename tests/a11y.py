"""The accessibility check of the browser tests: axe-core (vendored in tests/assets, never fetched) run
inside the page under test.

    from tests.a11y import assert_accessible
    assert_accessible(page)                      # the whole page
    assert_accessible(page, include="#results")  # one region

Fails on any finding of impact "serious" or "critical", naming the rule, its help text and the first
offending elements. The script is evaluated through the DevTools protocol, so the page's own
Content-Security-Policy (script-src 'self', no inline script) stays on and is tested as served.
"""

from pathlib import Path

AXE = Path(__file__).resolve().parent / "assets" / "axe-core-4.14.1.min.js"
BLOCKING = ("serious", "critical")


def axe_run(page, *, include=None, rules=None):
    """The axe-core result (violations, passes, ...) for the page or the `include` selector."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "\n;undefined")
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": list(rules)}
    return page.evaluate(
        "([context, options]) => window.axe.run(context || document, options)",
        [include, options],
    )


def blocking_violations(result):
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def describe(violations):
    lines = []
    for v in violations:
        targets = ", ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        lines.append(f"{v['impact']}: {v['id']} ({v['help']}) at {targets}")
    return "\n".join(lines)


def assert_accessible(page, *, include=None):
    """No serious or critical axe-core finding on the page (or in `include`)."""
    result = axe_run(page, include=include)
    found = blocking_violations(result)
    assert not found, "axe-core found:\n" + describe(found)
    return result
