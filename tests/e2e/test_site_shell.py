"""The site shell a person sees on every page: header, 999 message, footer.

Driven by what is on screen (roles, names, text), at phone and desktop widths,
with JavaScript on and off.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.e2e

SERVICE_NAME = "Contact Hertfordshire Police"
HOME_HEADING = "Contact Hertfordshire Police online"
TASKS = {
    "Report a crime": "/report/",
    "Tell us about something": "/tell-us/",
    "Chat with us": "/chat/",
    "Find a service or contact": "/services/",
    "Track a report": "/track/",
}
FOOTER_LINKS = {
    "Accessibility statement": "/accessibility/",
    "Privacy notice": "/privacy/",
    "Cookies": "/cookies/",
}


def expect_emergency_message(page: Page) -> None:
    emergency = page.get_by_role("region", name="Emergency")
    expect(emergency).to_be_visible()
    expect(emergency).to_contain_text("In an emergency, call 999")
    expect(emergency.get_by_role("link", name="999")).to_have_attribute(
        "href", "tel:999"
    )
    # Near the top of the first screen, whatever the width.
    box = emergency.bounding_box()
    assert box is not None and box["y"] < page.viewport_size["height"] / 2


def test_home_leads_with_the_five_tasks(either_page, viewport, visit):
    page = either_page
    visit(page, "/")

    expect(page).to_have_title(f"Home – {SERVICE_NAME}")
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADING)
    for task, path in TASKS.items():
        link = page.get_by_role("link", name=task, exact=True)
        expect(link).to_be_visible()
        expect(link).to_have_attribute("href", path)


def test_shell_shows_the_999_message_the_feedback_link_and_footer_links(
    either_page, viewport, visit
):
    page = either_page
    visit(page, "/")

    expect_emergency_message(page)

    banner = page.get_by_text("This is a new service.")
    expect(banner.get_by_role("link", name="feedback")).to_have_attribute(
        "href", "/feedback/"
    )
    footer = page.get_by_role("contentinfo")
    for name, path in FOOTER_LINKS.items():
        link = footer.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        expect(link).to_have_attribute("href", path)


def test_skip_link_is_the_first_tab_stop_and_jumps_to_the_main_content(
    either_page, viewport, visit
):
    page = either_page
    visit(page, "/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    # With or without JavaScript, the next Tab lands on the first thing in main
    # that takes focus, not back in the header.
    page.keyboard.press("Tab")
    expect(page.get_by_role("main").locator(":focus")).to_have_count(1)


def test_skip_link_moves_focus_to_main_when_javascript_is_on(js_page, visit):
    visit(js_page, "/")

    js_page.keyboard.press("Tab")
    js_page.keyboard.press("Enter")
    expect(js_page.get_by_role("main")).to_be_focused()


def test_home_has_no_accessibility_violations(either_page, viewport, visit):
    visit(either_page, "/")

    assert_no_axe_violations(either_page)


@pytest.mark.parametrize("viewport", [PHONE], ids=["375px"])
def test_home_fits_a_phone_screen_without_sideways_scrolling(
    either_page, viewport, visit
):
    visit(either_page, "/")

    scroll_width = either_page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= viewport["width"]


def test_page_scripts_run_under_the_content_security_policy(js_page, page_log, visit):
    visit(js_page, "/")

    # Set by the nonce'd inline script in base.html.
    expect(js_page.locator("body")).to_have_class(
        re.compile(r"\bgovuk-frontend-supported\b")
    )
    # Set by govuk-frontend's initAll in the nonce'd module script.
    expect(js_page.get_by_role("link", name="Skip to main content")).to_have_attribute(
        "data-govuk-skip-link-init", ""
    )
    assert page_log.console_errors == []


def test_pages_without_javascript_run_no_scripts(no_js_page, visit):
    visit(no_js_page, "/")

    expect(no_js_page.locator("body")).not_to_have_class(re.compile(r"js-enabled"))


def test_unknown_address_shows_page_not_found(js_page, viewport, visit, settings):
    # Our handler404 is used only when DEBUG is off (pytest-django already
    # turns it off; saying so keeps the test true under --django-debug-mode).
    settings.DEBUG = False
    visit(js_page, "/no-such-page/", status=404)

    expect(js_page).to_have_title(f"Page not found – {SERVICE_NAME}")
    expect(js_page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(js_page.get_by_role("link", name="Go to the home page")).to_have_attribute(
        "href", "/"
    )
    expect_emergency_message(js_page)
    assert_no_axe_violations(js_page)


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accessibility/", "Accessibility statement"),
        ("/privacy/", "Privacy notice"),
        ("/cookies/", "Cookies"),
    ],
    ids=["accessibility", "privacy", "cookies"],
)
def test_footer_pages_load_with_their_heading(js_page, visit, path, heading):
    visit(js_page, path)

    expect(js_page).to_have_title(f"{heading} – {SERVICE_NAME}")
    expect(js_page.get_by_role("heading", level=1)).to_have_text(heading)
    expect_emergency_message(js_page)
    assert_no_axe_violations(js_page)
