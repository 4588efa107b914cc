"""Service information, search, contacts, help and feedback in a real browser.

With JavaScript on and off, at phone and desktop widths: what a person sees
and does, axe finds no WCAG 2.2 AA violation, and nothing scrolls sideways
on a phone.
"""

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from playwright.sync_api import Page, expect

from guidance.migrations import _initial_content
from guidance.models import JourneyFeedback, PageFeedback
from tests.e2e.axe import assert_no_axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def content(transactional_db):
    """The pages the data migration loads (live-server tests empty every table)."""
    _initial_content.load(apps, SimpleNamespace(connection=connection))


def check_page(page: Page) -> None:
    assert_no_axe_violations(page)
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways: {scroll_width}px"


def test_search_from_services_finds_a_misspelt_service(either_page, viewport, visit):
    page = either_page
    visit(page, "/services/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Find a service or contact"
    )
    check_page(page)

    page.get_by_label("Search for a service or contact").fill("firarms licence")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_contain_text("for “firarms licence”")
    check_page(page)

    page.get_by_role("link", name="Firearms and shotgun certificates").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Firearms and shotgun certificates"
    )
    expect(page.get_by_text("Who it is for")).to_be_visible()
    expect(page.get_by_role("heading", name="Who to contact")).to_be_visible()
    expect(page.get_by_role("link", name="Firearms Licensing Unit")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Did this answer your question?")
    ).to_be_visible()
    check_page(page)


def test_topics_and_the_contacts_directory(either_page, viewport, visit):
    page = either_page
    visit(page, "/services/")
    page.get_by_role("link", name="Disclosure schemes: keeping people safe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Disclosure schemes: keeping people safe"
    )
    check_page(page)

    visit(page, "/services/contacts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Department contacts")
    check_page(page)
    page.get_by_role("link", name="Information Rights Unit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Information Rights Unit")
    expect(
        page.get_by_role("link", name="information.rights@herts.police.uk")
    ).to_have_attribute("href", "mailto:information.rights@herts.police.uk")
    check_page(page)


def test_help_has_a_contents_list_and_next_page(either_page, viewport, visit):
    page = either_page
    visit(page, "/help/")
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents.get_by_role("link", name="Tracking a report")).to_be_visible()
    check_page(page)
    contents.get_by_role("link", name="What happens after you report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What happens after you report"
    )
    page.get_by_role("link", name="Next : Tracking a report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tracking a report")
    check_page(page)


def test_journey_feedback_with_an_error_then_sent(either_page, viewport, visit):
    page = either_page
    visit(page, "/feedback/?journey=report")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Give feedback on reporting a crime"
    )
    check_page(page)

    page.get_by_label("How could we improve this service? (optional)").fill(
        "Clear questions"
    )
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Select how you feel about the service"
    )
    expect(
        page.get_by_label("How could we improve this service? (optional)")
    ).to_have_value("Clear questions")
    check_page(page)

    page.get_by_label("Satisfied", exact=True).check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you for your feedback"
    )
    check_page(page)
    feedback = JourneyFeedback.objects.get()
    assert (feedback.journey, feedback.satisfaction) == ("report", 4)


def test_is_this_page_useful_no_then_what_went_wrong(either_page, viewport, visit):
    page = either_page
    visit(page, "/services/lost-and-found-property/")
    page.get_by_role("button", name="No this page is not useful").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What went wrong?")
    check_page(page)

    page.get_by_label("The information was hard to understand").check()
    page.get_by_role("button", name="Send").click()
    expect(page).to_have_url(
        page.url.split("/services/")[0]
        + "/services/lost-and-found-property/#page-feedback"
    )
    expect(page.get_by_role("status")).to_have_text("Thank you for your feedback")
    check_page(page)
    feedback = PageFeedback.objects.get()
    assert (feedback.path, feedback.useful, feedback.reason) == (
        "/services/lost-and-found-property/",
        False,
        "unclear",
    )


def test_is_this_page_useful_yes_says_thank_you(either_page, visit):
    page = either_page
    visit(page, "/help/")
    page.get_by_role("button", name="Yes this page is useful").click()
    expect(page.get_by_role("status")).to_have_text("Thank you for your feedback")
    assert PageFeedback.objects.get().useful is True
