"""Run the pinned npm axe-core in a page and fail with a readable list."""

from functools import cache
from pathlib import Path

from playwright.sync_api import Page

from tests.e2e.scripting import scripts_on_for_tooling

AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Under our CSP (script-src 'self' 'nonce-…') page.add_script_tag(content=…) is
# refused as an inline script. page.evaluate goes through the DevTools
# protocol, which CSP does not govern, so the source is evaluated directly; the
# page's CSP stays as it is in production, and axe itself needs no eval.
RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    targets: violation.nodes.map((node) => node.target),
  }));
}"""


@cache
def _axe_source() -> str:
    if not AXE_SOURCE.exists():
        raise FileNotFoundError(f"{AXE_SOURCE} is missing: run `make setup` (npm ci)")
    return AXE_SOURCE.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict]:
    """The WCAG 2.2 AA violations axe finds in the page as it is now."""
    with scripts_on_for_tooling(page):
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(_axe_source())
        return page.evaluate(RUN_AXE, WCAG_TAGS)


def _selector(target) -> str:
    # A target inside shadow DOM or an iframe is a list of selectors.
    if isinstance(target, list):
        return " >>> ".join(_selector(part) for part in target)
    return str(target)


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f"\n    {violation['helpUrl']}"
        )
        lines.extend(f"    at {_selector(target)}" for target in violation["targets"])
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, (
        f"axe found {len(violations)} WCAG 2.2 AA violation(s) on {page.url}:\n"
        + format_violations(violations)
    )
