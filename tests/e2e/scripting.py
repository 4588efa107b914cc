"""Turning JavaScript off in a page, in a way the accessibility audit can lift.

Playwright's ``java_script_enabled=False`` is Chromium's
``Emulation.setScriptExecutionDisabled`` sent on Playwright's own DevTools
session. With it on, ``page.evaluate`` of a plain function still works, but no
timer, promise or microtask ever runs, so ``axe.run`` (asynchronous) never
resolves; and a second DevTools session cannot switch scripts back on while
Playwright's session keeps them off (Chromium keeps them off if any session
asks). Reloading the same HTML in a page with JavaScript on would reparse
``<noscript>`` differently, lose what the test typed and need the CSP loosened.

So the pages without JavaScript are made here: a context with JavaScript on,
then the same DevTools command on a session we own, sent before the first
navigation. Pages load exactly as with ``java_script_enabled=False`` (no page
script runs, ``<noscript>`` content is shown). The audit switches scripts on
only while axe runs against the document as loaded, then off again; page
scripts that were skipped while parsing are never run afterwards. The switch
holds for every navigation in that page, but not for a popup it opens.
"""

import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import CDPSession, Page

_sessions: "weakref.WeakKeyDictionary[Page, CDPSession]" = weakref.WeakKeyDictionary()


def turn_scripts_off(page: Page) -> None:
    """Stop page scripts from running in ``page``; call before navigating."""
    session = page.context.new_cdp_session(page)
    session.send("Emulation.setScriptExecutionDisabled", {"value": True})
    _sessions[page] = session


def scripts_run_in(page: Page) -> bool:
    """Whether the page's event loop runs script tasks (microtasks are enough)."""
    page.evaluate(
        "() => { window.__e2eProbe = false;"
        " queueMicrotask(() => { window.__e2eProbe = true; }); }"
    )
    return page.evaluate("() => window.__e2eProbe")


@contextmanager
def scripts_on_for_tooling(page: Page) -> Iterator[None]:
    """Let test tooling (axe) run asynchronous code in a page without JavaScript.

    Raises if the page's scripts were turned off some other way, because the
    tooling would then hang rather than fail.
    """
    session = _sessions.get(page)
    if session is None:
        if not scripts_run_in(page):
            raise RuntimeError(
                "Scripts are off in this page but not through the e2e fixtures; "
                "use the no_js_page fixture (see tests/e2e/scripting.py)."
            )
        yield
        return
    session.send("Emulation.setScriptExecutionDisabled", {"value": False})
    try:
        yield
    finally:
        session.send("Emulation.setScriptExecutionDisabled", {"value": True})
