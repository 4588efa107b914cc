"""Report a crime in a real browser: the pages a person sees, in order.

A bicycle theft from the start page to the reference number, with a photo;
the 999 stop; fraud sent to Action Fraud; saving and coming back in another
browser; an error on the page; changing an answer from "Check your answers".
Every page visited passes axe (WCAG 2.2 AA), the pages with errors too; at
375px nothing scrolls sideways.
"""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from casework.attachments import Attachment
from casework.models import Case
from reports import services
from reports.models import ReportDraft
from tests.e2e.checks import (
    check_page,
    js_on_desktop_and_js_off_phone,
    public_service,  # noqa: F401 (a fixture)
    small_jpeg,
)
from tests.e2e.conftest import PHONE
from tests.e2e.scripting import scripts_run_in
from tests.reports.journey_data import complete_journey

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("public_service"),
]

REFERENCE = re.compile(r"^CR-\d{2}-\d{6}-[A-Z]$")
EXIT_THIS_PAGE = re.compile(r"Exit this page")


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def answer_radio(page: Page, question: str, choice: str) -> None:
    """Check the page asking a question as radios, pick an answer, Continue."""
    expect(heading(page)).to_have_text(question)
    check_page(page)
    page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()
    page.get_by_role("button", name="Continue").click()


def go_on(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


@js_on_desktop_and_js_off_phone
def test_a_bicycle_theft_with_a_photo_gets_a_reference(
    either_page, viewport, visit, page_log, tmp_path
):
    page = either_page
    photo = small_jpeg(tmp_path)
    happened_on = timezone.localdate() - timedelta(days=6)

    visit(page, "/report/")
    expect(heading(page)).to_have_text("Report a crime")
    check_page(page)
    page.get_by_role("button", name="Start now").click()

    answer_radio(page, "Is this an emergency?", "No, none of these is happening")
    expect(page.get_by_role("button", name=EXIT_THIS_PAGE)).to_be_visible()
    answer_radio(page, "What do you want to report?", "Theft of a bicycle")
    answer_radio(page, "When did it happen?", "On a date I know")

    expect(heading(page)).to_have_text("What date did it happen?")
    check_page(page)
    page.get_by_label("Day").fill(str(happened_on.day))
    page.get_by_label("Month").fill(str(happened_on.month))
    page.get_by_label("Year").fill(str(happened_on.year))
    page.get_by_label("What time did it happen? (optional)").fill("2:30pm")
    go_on(page)

    expect(heading(page)).to_have_text("Where did it happen?")
    check_page(page)
    page.get_by_label("Address, or a description of the place").fill(
        "Bike racks outside Hitchin station"
    )
    page.get_by_label("Postcode (if you know it)").fill("sg5 1aa")
    go_on(page)

    expect(heading(page)).to_have_text("What happened?")
    check_page(page)
    page.get_by_label("What happened?").fill(
        "I locked my bike at 8am and at 6pm the lock was cut and it was gone."
    )
    go_on(page)

    answer_radio(page, "Who are you in this report?", "It happened to me")

    expect(heading(page)).to_have_text("Your details")
    check_page(page)
    page.get_by_label("Full name").fill("Sam Reporter")
    page.get_by_label("Email address").fill("sam@example.com")
    page.get_by_label("Telephone number (optional)").fill("07700 900982")
    go_on(page)

    expect(heading(page)).to_have_text("Contacting you safely")
    check_page(page)
    page.get_by_role("group", name="How can we contact you?").get_by_label(
        "Email", exact=True
    ).check()
    page.get_by_role(
        "group", name="Is it safe for us to leave a voicemail?"
    ).get_by_label("No", exact=True).check()
    go_on(page)

    answer_radio(page, "Has something like this happened before?", "No")
    answer_radio(page, "Does the person it happened to need extra support?", "No")

    expect(heading(page)).to_have_text("Do you need any help from us?")
    check_page(page)
    page.get_by_label("No help needed").check()
    go_on(page)

    answer_radio(page, "Do you know anything about who did it?", "No")
    answer_radio(page, "Were any vehicles involved?", "No")

    expect(heading(page)).to_have_text("What was stolen or damaged?")
    expect(page.get_by_role("heading", name="Add an item")).to_be_visible()
    check_page(page)
    page.get_by_label("Describe the item").fill("Blue Raleigh road bike")
    page.get_by_label("About how much is it worth, in pounds? (optional)").fill("350")
    page.get_by_label("Serial number or other identifying marks (optional)").fill(
        "WTU123456"
    )
    go_on(page)

    answer_radio(page, "Did anyone else see what happened?", "No")

    expect(heading(page)).to_have_text("Is there any evidence?")
    check_page(page)
    page.get_by_role(
        "group", name="Is there any CCTV, doorbell or dashcam footage?"
    ).get_by_label("Yes", exact=True).check()
    page.get_by_label("Tell us about any evidence (optional)").fill(
        "There is a camera above the racks."
    )
    go_on(page)

    expect(heading(page)).to_have_text("Upload photos, videos or documents (optional)")
    check_page(page)
    page.get_by_label("Upload files").set_input_files(photo)
    if viewport == PHONE:
        # One way: upload, see the file listed, then carry on.
        page.get_by_role("button", name="Upload and add more files").click()
        expect(
            page.get_by_role("heading", name="You have uploaded 1 file")
        ).to_be_visible()
        expect(page.get_by_role("main")).to_contain_text(photo.name)
        expect(page.get_by_role("button", name=f"Remove {photo.name}")).to_be_visible()
        check_page(page)
    # The other: Continue uploads what was chosen and goes on.
    go_on(page)

    expect(heading(page)).to_have_text("Check your answers before sending your report")
    check_page(page)
    answers = page.get_by_role("main")
    for shown in [
        "Theft of a bicycle",
        happened_on.strftime("%-d %B %Y"),
        "14:30",
        "Bike racks outside Hitchin station",
        "SG5 1AA",
        "Sam Reporter",
        "sam@example.com",
        "Blue Raleigh road bike",
        "£350.00",
        "WTU123456",
        "There is a camera above the racks.",
        photo.name,
    ]:
        expect(answers).to_contain_text(shown)

    # Sending without the declaration ticked: an error, and nothing sent.
    page.get_by_role("button", name="Accept and send report").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Confirm that the information you have given is true"
    )
    expect(page).to_have_title(re.compile(r"^Error: Check your answers"))
    check_page(page)
    assert not Case.objects.exists()

    page.get_by_label("I confirm that the information I have given is true").check()
    page.get_by_role("button", name="Accept and send report").click()

    panel_title = page.get_by_role("heading", level=1, name="Report sent")
    expect(panel_title).to_be_visible()
    reference = page.get_by_text(REFERENCE)
    expect(reference).to_be_visible()
    check_page(page)
    expect(page.get_by_role("button", name=EXIT_THIS_PAGE)).to_have_count(0)
    expect(page.get_by_role("link", name="track your report")).to_have_attribute(
        "href", "/track/"
    )

    case = Case.objects.get()
    assert reference.inner_text() == case.reference

    page.get_by_role("link", name="View, print or save a copy of your report").click()
    expect(heading(page)).to_have_text(f"Your crime report {case.reference}")
    expect(page.get_by_role("main")).to_contain_text(
        re.compile(r"Sent to Hertfordshire Police on \d{1,2} \w+ \d{4} at \d")
    )
    expect(page.get_by_role("main")).to_contain_text(photo.name)
    check_page(page)
    assert [a.original_name for a in Attachment.objects.filter(case=case)] == [
        photo.name
    ]
    assert page_log.console_errors == []


@pytest.mark.parametrize("viewport", [PHONE], ids=["375px"])
def test_an_emergency_stops_the_report_and_says_call_999(either_page, viewport, visit):
    page = either_page
    visit(page, "/report/emergency/")
    answer_radio(
        page, "Is this an emergency?", "Yes, at least one of these is happening"
    )

    expect(heading(page)).to_have_text("Call 999 now")
    expect(page.get_by_role("button", name="Call 999")).to_have_attribute(
        "href", "tel:999"
    )
    expect(page.get_by_text("We have not saved anything")).to_be_visible()
    check_page(page)
    assert not ReportDraft.objects.exists()


@pytest.mark.parametrize("viewport", [PHONE], ids=["375px"])
def test_fraud_is_sent_to_action_fraud(js_page, viewport, visit):
    page = js_page
    visit(page, "/report/emergency/")
    answer_radio(page, "Is this an emergency?", "No, none of these is happening")
    answer_radio(page, "What do you want to report?", "Fraud or a scam")

    expect(heading(page)).to_have_text(
        "Report fraud to the national fraud reporting service"
    )
    expect(
        page.get_by_role("link", name="Report fraud online to Action Fraud")
    ).to_have_attribute("href", "https://www.actionfraud.police.uk/")
    check_page(page)

    page.get_by_role("link", name="Go back and choose something else to report").click()
    expect(heading(page)).to_have_text("What do you want to report?")


@pytest.mark.parametrize("viewport", [PHONE], ids=["375px"])
def test_saved_answers_come_back_in_another_browser(
    browser, js_page, viewport, visit, live_server
):
    page = js_page
    visit(page, "/report/emergency/")
    answer_radio(page, "Is this an emergency?", "No, none of these is happening")
    answer_radio(page, "What do you want to report?", "Theft of a bicycle")
    answer_radio(page, "When did it happen?", "I'm not sure")
    page.get_by_label("Address, or a description of the place").fill(
        "The car park behind the leisure centre"
    )
    page.get_by_role("button", name="Save and come back later").click()

    expect(heading(page)).to_have_text("Your answers have been saved")
    check_page(page)
    resume_link = page.get_by_role("link", name=re.compile(r"\/report\/resume\/"))
    link = resume_link.get_attribute("href")
    assert link.startswith(live_server.url + "/report/resume/")

    # Another browser: no cookies from the first, as on another device.
    other = browser.new_context(viewport=PHONE, locale="en-GB")
    try:
        later = other.new_page()
        later.goto(link)
        expect(heading(later)).to_have_text("What happened?")
        check_page(later)
        later.get_by_role("link", name="Back", exact=True).click()
        expect(heading(later)).to_have_text("Where did it happen?")
        expect(
            later.get_by_label("Address, or a description of the place")
        ).to_have_value("The car park behind the leisure centre")
    finally:
        other.close()


@pytest.mark.parametrize("viewport", [PHONE], ids=["375px"])
def test_an_impossible_date_is_explained_and_linked_to_the_field(
    either_page, viewport, visit
):
    page = either_page
    visit(page, "/report/emergency/")
    answer_radio(page, "Is this an emergency?", "No, none of these is happening")
    page.get_by_label("Theft of a bicycle").check()
    go_on(page)
    page.get_by_label("On a date I know").check()
    go_on(page)

    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2025")
    go_on(page)

    expect(page).to_have_title(re.compile(r"^Error: What date did it happen\?"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    error_link = summary.get_by_role(
        "link", name="The date it happened must be a real date"
    )
    expect(error_link).to_have_attribute("href", "#id_date_0")
    # Beside the field too, and what was typed is still there.
    expect(page.get_by_role("group", name="What date did it happen?")).to_contain_text(
        "Error: The date it happened must be a real date"
    )
    expect(page.get_by_label("Day")).to_have_value("31")
    check_page(page)

    if scripts_run_in(page):
        # GOV.UK Frontend moves focus to the summary, so it is read out first.
        expect(page.locator(".govuk-error-summary")).to_be_focused()
    error_link.click()
    expect(page.get_by_label("Day")).to_be_focused()


@pytest.fixture
def answered_draft_link(live_server) -> str:
    """A resume link to a draft with every page answered, as made by a
    browser without JavaScript (the pages themselves are tested above)."""
    person = Client()
    complete_journey(person)
    draft = ReportDraft.objects.get()
    token = services.issue_resume_token(draft_id=draft.pk, now=timezone.now())
    return f"{live_server.url}/report/resume/{token}/"


@pytest.mark.parametrize("viewport", [PHONE], ids=["375px"])
def test_change_link_goes_back_to_check_your_answers(
    either_page, viewport, answered_draft_link
):
    page = either_page
    page.goto(answered_draft_link)
    expect(heading(page)).to_have_text("Check your answers before sending your report")
    check_page(page)

    page.get_by_role(
        "link", name="Change address, or a description of the place"
    ).click()
    expect(heading(page)).to_have_text("Where did it happen?")
    place = page.get_by_label("Address, or a description of the place")
    expect(place).to_have_value("Outside the station, Hitchin")
    check_page(page)
    place.fill("Outside the library, Hitchin")
    page.get_by_role("button", name="Save and go back to your answers").click()

    expect(heading(page)).to_have_text("Check your answers before sending your report")
    expect(page.get_by_role("main")).to_contain_text("Outside the library, Hitchin")
    expect(page.get_by_role("main")).not_to_contain_text("Outside the station")
