"""Tell us about something, in a real browser.

Anonymously (with a photo, after a document is refused) and with a name, to
the reference (and, when anonymous, the passphrase); adding more later with
the reference and passphrase; the "Exit this page" button on the journey's
pages. With JavaScript on and off; axe finds no WCAG 2.2 AA violation on any
page visited; at 375px nothing scrolls sideways.
"""

import re

import pytest
from django.test import Client
from playwright.sync_api import Page, Route, expect

from casework.attachments import Attachment
from casework.models import CaseEvent
from intelligence.models import IntelligenceSubmission
from tests.casework import files as sample_files
from tests.e2e.checks import (
    check_page,
    js_on_desktop_and_js_off_phone,
    public_service,  # noqa: F401 (a fixture)
    small_jpeg,
)
from tests.e2e.conftest import PHONE
from tests.intelligence import journey as walk

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("public_service"),
]

REFERENCE = re.compile(r"^IN-\d{2}-\d{6}-[A-Z]$")
PASSPHRASE = re.compile(r"^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$")
EXIT_THIS_PAGE = re.compile(r"Exit this page")
# Where "Exit this page" goes; answered here so the tests need no network.
EXIT_URL = "https://www.bbc.co.uk/weather"


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def on_page(page: Page, title: str, check) -> None:
    """The page is the one expected, offers a way out, and passes the checks."""
    expect(heading(page)).to_have_text(title)
    expect(page.get_by_role("button", name=EXIT_THIS_PAGE)).to_be_visible()
    check(page)


def choose(page: Page, question: str, choice: str, check) -> None:
    on_page(page, question, check)
    page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()
    go_on(page)


def go_on(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def tell_us_about_drug_dealing(page: Page, visit, check) -> None:
    """From the start page to "Do you want to give your details?"."""
    visit(page, "/tell-us/")
    expect(heading(page)).to_have_text("Tell us about something")
    check(page)
    page.get_by_role("button", name="Start now").click()

    choose(page, "Is anyone in danger right now?", "No", check)
    choose(page, "What is your information about?", "Drug dealing", check)

    on_page(page, "What do you want to tell us?", check)
    page.get_by_label("What do you want to tell us?").fill(
        "Cars stop outside the flat every evening for a few minutes."
    )
    go_on(page)

    on_page(page, "Where is it happening?", check)
    page.get_by_label("Address, or a description of the place (optional)").fill(
        "Flats above the shops, Queensway, Hatfield"
    )
    go_on(page)

    on_page(page, "When is it happening?", check)
    page.get_by_label("It happens regularly").check()
    page.get_by_label("When, or how often? (optional)").fill("Most evenings after 9pm")
    go_on(page)

    choose(page, "Do you know who is involved?", "Yes", check)
    on_page(page, "Who is involved?", check)
    page.get_by_label("Nickname or street name (optional)").fill("Tiny")
    page.get_by_label("What do they look like? (optional)").fill("Tall, red cap")
    go_on(page)

    choose(page, "Are any vehicles involved?", "No", check)
    choose(page, "How do you know this?", "I saw or heard it myself", check)


@js_on_desktop_and_js_off_phone
def test_anonymous_information_gets_a_reference_and_a_passphrase(
    either_page, viewport, visit, page_log, tmp_path
):
    page = either_page
    tell_us_about_drug_dealing(page, visit, check_page)
    choose(
        page,
        "Do you want to give your details?",
        "No, I want to stay anonymous",
        check_page,
    )

    on_page(page, "Upload photos or screenshots (optional)", check_page)
    main = page.get_by_role("main")
    expect(main).to_contain_text("we cannot take videos or documents")
    # A document is refused beside the field; nothing else is lost.
    document = tmp_path / "Statement by Sam Jones.pdf"
    document.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label("Upload files").set_input_files(document)
    go_on(page)
    refusal = (
        "The selected file “Statement by Sam Jones.pdf” must be a JPG, PNG or HEIC. "
        "Videos and documents cannot be sent anonymously"
    )
    expect(page.get_by_role("alert")).to_contain_text(refusal)
    expect(page.get_by_text(f"Error: {refusal}")).to_be_visible()
    on_page(page, "Upload photos or screenshots (optional)", check_page)

    photo = small_jpeg(tmp_path, "Sam Jones at the flats.jpg")
    page.get_by_label("Upload files").set_input_files(photo)
    page.get_by_role("button", name="Upload and add more files").click()
    expect(page.get_by_role("heading", name="You have uploaded 1 file")).to_be_visible()
    # Its name is not kept: it is listed as image-1.jpg.
    expect(page.get_by_role("button", name="Remove image-1.jpg")).to_be_visible()
    expect(main).not_to_contain_text("Sam Jones")
    check_page(page)
    go_on(page)

    on_page(page, "Check your answers before you send them", check_page)
    for shown in [
        "Drug dealing",
        "Queensway, Hatfield",
        "Tiny",
        "Tall, red cap",
        "image-1.jpg",
    ]:
        expect(main).to_contain_text(shown)
    expect(main).to_contain_text("You chose to stay anonymous.")
    page.get_by_role("button", name="Send").click()

    expect(heading(page)).to_have_text("Information sent")
    reference = page.get_by_text(REFERENCE)
    expect(reference).to_be_visible()
    expect(page.get_by_role("heading", name="Your passphrase")).to_be_visible()
    expect(page.get_by_text(PASSPHRASE)).to_be_visible()
    expect(
        page.get_by_role("link", name="Add more to what you told us")
    ).to_be_visible()
    check_page(page)

    submission = IntelligenceSubmission.objects.select_related("case").get()
    assert submission.case.reference == reference.inner_text()
    assert submission.anonymous
    assert (submission.informant_name, submission.informant_email) == ("", "")
    attachment = Attachment.objects.get()
    assert (attachment.case, attachment.original_name) == (
        submission.case,
        "image-1.jpg",
    )
    assert page_log.console_errors == []


@pytest.mark.parametrize("viewport", [PHONE], ids=["375px"])
def test_named_information_keeps_the_details_given(js_page, viewport, visit):
    page = js_page
    # The anonymous test checks these pages; this one checks what differs.
    tell_us_about_drug_dealing(page, visit, lambda page: None)
    choose(
        page, "Do you want to give your details?", "Yes, you can contact me", check_page
    )

    on_page(page, "Your details", check_page)
    page.get_by_label("Name", exact=True).fill("Pat Informant")
    page.get_by_role("group", name="Is it safe for us to contact you?").get_by_label(
        "Yes, at any time"
    ).check()
    go_on(page)
    # Safe to contact, but no way to: asked again, with what was typed kept.
    expect(page.get_by_role("alert")).to_contain_text(
        "Enter an email address or telephone number"
    )
    expect(page.get_by_label("Name", exact=True)).to_have_value("Pat Informant")
    check_page(page)
    page.get_by_label("Email address (optional)").fill("pat@example.com")
    go_on(page)

    # With their details they may send what a crime report takes.
    on_page(
        page, "Upload photos, screenshots, videos or documents (optional)", check_page
    )
    go_on(page)

    on_page(page, "Check your answers before you send them", check_page)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Pat Informant")
    expect(main).not_to_contain_text("You chose to stay anonymous.")
    page.get_by_role("button", name="Send").click()

    expect(heading(page)).to_have_text("Information sent")
    expect(page.get_by_text(REFERENCE)).to_be_visible()
    check_page(page)
    submission = IntelligenceSubmission.objects.get()
    assert not submission.anonymous
    assert submission.informant_email == "pat@example.com"


@pytest.fixture
def sent_anonymously() -> tuple[str, str]:
    """Reference and passphrase of information sent without JavaScript."""
    informant = Client()
    response = walk.submit(informant, walk.complete(informant))
    html = response.content.decode()
    return walk.reference_on(html), walk.passphrase_on(html)


@pytest.mark.parametrize("viewport", [PHONE], ids=["375px"])
def test_add_more_with_the_reference_and_passphrase(
    either_page, viewport, visit, sent_anonymously
):
    page = either_page
    reference, passphrase = sent_anonymously
    visit(page, "/tell-us/add/")
    on_page(page, "Add more to what you told us", check_page)

    page.get_by_label("Reference number").fill(reference)
    page.get_by_label("Passphrase").fill("WRON-GPAS-SPHR-ASE1")
    go_on(page)
    expect(page.get_by_role("alert")).to_contain_text(
        "We could not find that. Check the reference number and passphrase."
    )
    check_page(page)

    page.get_by_label("Passphrase").fill(passphrase.lower())
    go_on(page)
    on_page(page, "What else do you want to tell us?", check_page)
    page.get_by_label("What else do you want to tell us?").fill(
        "They now use a white van as well."
    )
    page.get_by_role("button", name="Send").click()

    expect(heading(page)).to_have_text("Information added")
    expect(page.get_by_text(reference)).to_be_visible()
    check_page(page)
    added = CaseEvent.objects.get(kind=CaseEvent.Kind.INFORMATION_ADDED)
    assert added.text == "They now use a white van as well."
    assert added.case.reference == reference


def answer_exit_locally(route: Route) -> None:
    route.fulfill(
        status=200,
        content_type="text/html",
        body="<!DOCTYPE html><title>Weather</title><h1>Weather</h1>",
    )


@pytest.mark.parametrize("viewport", [PHONE], ids=["375px"])
def test_exit_this_page_leaves_the_journey(either_page, viewport, visit):
    page = either_page
    page.route(EXIT_URL, answer_exit_locally)
    visit(page, "/tell-us/danger/")

    exit_button = page.get_by_role("button", name=EXIT_THIS_PAGE)
    expect(exit_button).to_have_attribute("href", EXIT_URL)
    exit_button.click()

    expect(page).to_have_url(EXIT_URL)
    expect(page.get_by_role("heading", name="Weather")).to_be_visible()


def test_pressing_shift_three_times_exits_when_javascript_is_on(js_page, visit):
    page = js_page
    page.route(EXIT_URL, answer_exit_locally)
    visit(page, "/tell-us/danger/")
    # GOV.UK Frontend's shortcut, for someone who cannot reach the button.
    for _ in range(3):
        page.keyboard.press("Shift")

    expect(page).to_have_url(EXIT_URL)


@pytest.mark.parametrize("viewport", [PHONE], ids=["375px"])
def test_a_document_is_refused_at_the_end_once_they_stay_anonymous(
    no_js_page, viewport, visit
):
    """Uploaded with their details, then they chose to stay anonymous: the
    check page says what to remove, and sends nothing until they do."""
    page = no_js_page
    informant = Client()
    check = walk.complete(informant, {"identity": {"give_details": "yes"}})
    files_page = check.replace("/check/", "/files/")
    statement = sample_files.upload("Statement.pdf", b"%PDF-1.4\n%%EOF\n")
    informant.post(files_page, {"files": [statement]})
    token = walk.token_of(check)
    informant.post(f"/tell-us/{token}/identity/?change=1", {"give_details": "no"})

    visit(page, check)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(
        "Remove “Statement.pdf”: videos and documents cannot be sent anonymously"
    )
    check_page(page)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert not IntelligenceSubmission.objects.exists()

    page.get_by_role("link", name="Remove “Statement.pdf”").click()
    page.get_by_role("button", name="Remove Statement.pdf").click()
    expect(page.get_by_role("main")).not_to_contain_text("Statement.pdf")
    check_page(page)
    page.get_by_role("button", name="Save and go back to your answers").click()
    on_page(page, "Check your answers before you send them", check_page)
    page.get_by_role("button", name="Send").click()
    expect(heading(page)).to_have_text("Information sent")
    assert IntelligenceSubmission.objects.get().anonymous
