"""Track a report, in a real browser: find it, read our update, add to it.

The report is made through the service layer and the update sent as staff
send it (casework.workflow); the reporter does the rest on screen. A wrong
email address gets the same message as a reference that does not exist.
With JavaScript on and off; axe finds no WCAG 2.2 AA violation on any page
visited, the pages with errors too; at 375px nothing scrolls sideways.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from casework import workflow
from casework.models import Case
from casework.references import format_reference
from tests.casework.factories import make_case
from tests.casework.staff import make_staff
from tests.e2e.checks import (
    check_page,
    js_on_desktop_and_js_off_phone,
    public_service,  # noqa: F401 (a fixture)
)
from tests.e2e.conftest import PHONE

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("public_service"),
]

UPDATE = "We have looked at the station's CCTV and are following up a lead."
SAID_TIME = re.compile(
    r"\d{1,2} [A-Z][a-z]+ \d{4} at (\d{1,2}(:\d\d)?[ap]m|midday|midnight)"
)
NOT_FOUND = (
    "We could not find a report with those details. Check the reference number "
    "and the email address or passphrase."
)


@pytest.fixture
def case_with_an_update(django_user_model) -> Case:
    officer = make_staff(django_user_model, "agent", "officer")
    case = make_case(email="sam@example.com")
    workflow.send_public_update(
        case_id=case.pk, text=UPDATE, by=officer, now=timezone.now()
    )
    return case


def find_report(page: Page, reference: str, secret: str) -> None:
    page.get_by_label("Reference number").fill(reference)
    page.get_by_label("Email address, or your passphrase").fill(secret)
    page.get_by_role("button", name="Find my report").click()


@js_on_desktop_and_js_off_phone
def test_reporter_reads_the_update_and_adds_information(
    either_page, viewport, visit, case_with_an_update
):
    page = either_page
    case = case_with_an_update
    visit(page, "/track/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Track a report")
    check_page(page)

    # As people type it from an email: lower case, spaces, a capital letter.
    find_report(page, case.reference.lower().replace("-", " "), "Sam@example.com")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Report {case.reference}"
    )
    main = page.get_by_role("main")
    expect(main).to_contain_text("Received")
    expect(main).to_contain_text("Theft of a bicycle")
    # Times as GOV.UK writes them ("at 2:05pm"), not Django's "2:05p.m.".
    expect(main).to_contain_text(SAID_TIME)
    expect(main).not_to_contain_text(re.compile(r"[ap]\.m\."))
    updates = page.get_by_role("list").filter(has_text=UPDATE)
    expect(updates.get_by_role("heading", name="Hertfordshire Police")).to_be_visible()
    check_page(page)

    # Nothing typed: asked again, on the same page.
    page.get_by_role("button", name="Add to my report").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Enter the information you want to add"
    )
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_page(page)

    page.get_by_label("Add information or reply to an update").fill(
        "I have found the frame number: WTU123456."
    )
    page.get_by_role("button", name="Add to my report").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "We have added your information to the report."
    )
    added = page.get_by_role("listitem").filter(has_text="WTU123456")
    expect(added.get_by_role("heading", name="You added")).to_be_visible()
    expect(main).to_contain_text(UPDATE)
    check_page(page)

    case.refresh_from_db()
    assert case.needs_attention


@pytest.mark.parametrize("viewport", [PHONE], ids=["375px"])
def test_a_wrong_email_gets_the_same_answer_as_no_such_report(
    either_page, viewport, visit, case_with_an_update
):
    page = either_page
    case = case_with_an_update
    visit(page, "/track/")

    find_report(page, case.reference, "someone.else@example.com")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(NOT_FOUND)
    expect(page).to_have_title(re.compile(r"^Error: Track a report"))
    expect(page.get_by_label("Reference number")).to_have_value(case.reference)
    expect(page.get_by_role("main")).not_to_contain_text(UPDATE)
    check_page(page)

    # A reference that looks right but belongs to no report: the same words.
    find_report(page, format_reference("CR", 26, 999_999), "sam@example.com")
    expect(page.get_by_role("alert").get_by_role("link")).to_have_text(NOT_FOUND)
