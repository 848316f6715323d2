"""axe-core run inside a page the browser tests opened (tests/assets/axe-core, vendored: no CDN).

The script is evaluated through the DevTools protocol, so the site's Content-Security-Policy (no inline
script) does not block it and nothing is added to the site. `axe_serious(page)` answers the serious and
critical violations as short texts, for `assert ... == []`.
"""

from functools import cache
from pathlib import Path

AXE = Path(__file__).resolve().parent / "assets" / "axe-core" / "axe.min.js"


@cache
def axe_source() -> str:
    return AXE.read_text()


def axe_violations(page, impacts=("serious", "critical")):
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({"
        "id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))"
    )
    return [v for v in result if v["impact"] in impacts]


def axe_serious(page):
    return [f"{v['id']} ({v['impact']}): {v['help']} at {v['targets']}" for v in axe_violations(page)]
