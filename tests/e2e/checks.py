"""What the public journey tests check on every page, and the data they need.

Used by test_report_journey.py, test_intelligence_journey.py and
test_track.py, which import the `public_service` fixture so pytest finds it.
"""

import importlib
import os
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from playwright.sync_api import Page

from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS

# JavaScript on at desktop width, and off on a phone: both ways of using the
# site and both layouts, without the time of every pairing. Ask for the
# `either_page` and `viewport` fixtures with it.
js_on_desktop_and_js_off_phone = pytest.mark.parametrize(
    ("either_page", "viewport"),
    [(True, DESKTOP), (False, PHONE)],
    ids=["js-on-1280px", "js-off-375px"],
    indirect=["either_page"],
)


def seed_districts_and_teams() -> None:
    """What casework migration 0002 loads: routing needs the teams, and
    live-server tests empty every table after each test."""
    seed = importlib.import_module(
        "casework.migrations.0002_seed_districts_and_teams"
    ).seed
    seed(apps, type("SchemaEditor", (), {"connection": connection})())


@pytest.fixture
def public_service(transactional_db, settings, tmp_path):
    """Teams to route to, evidence in this test's own folder, no virus scanner
    to reach, and rate limits that start from nothing."""
    seed_districts_and_teams()
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""
    # The limits count in the local-memory cache, which outlives one test.
    cache.clear()
    yield
    cache.clear()


_shots: dict[str, int] = {}


def check_page(page: Page) -> None:
    """Check the page as it is now: axe finds no WCAG 2.2 AA violation and,
    on a phone, nothing scrolls sideways. Saves a screenshot named after the
    test and the page's address, for people to look at."""
    # pytest names the running test here ("path::name (call)").
    test = os.environ.get("PYTEST_CURRENT_TEST", "page").split("::")[-1]
    test = re.sub(r"[^\w.\[\]-]+", "_", test.removesuffix(" (call)"))
    _shots[test] = _shots.get(test, 0) + 1
    # The first and last parts of the address: no draft tokens in names.
    path = page.url.split("://", 1)[-1].split("?")[0].split("/")[1:]
    parts = [part for part in path if part]
    slug = "_".join(dict.fromkeys(parts[:1] + parts[-1:])) or "home"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=SCREENSHOTS / f"{test}-{_shots[test]:02d}-{slug}.png", full_page=True
    )
    assert_no_axe_violations(page)
    width = page.viewport_size["width"]
    if width <= 400:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, (
            f"{page.url} scrolls sideways at {width}px: {scroll_width}px wide"
        )


def small_jpeg(folder: Path, name: str = "bike-rack.jpg") -> Path:
    """A real (tiny) photo, so the upload checks see a JPEG, not a name."""
    from PIL import Image

    path = folder / name
    Image.new("RGB", (32, 24), (40, 90, 160)).save(path, "JPEG")
    return path
