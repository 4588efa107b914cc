"""The report journey as a browser without JavaScript sees it."""

import re

import pytest
from django.test import Client

from casework.models import Case
from reports.models import Report, ReportDraft
from tests.reports.journey_data import VALID_POSTS, complete_journey

pytestmark = pytest.mark.django_db


def submit(client, *, follow: bool = False):
    return client.post("/report/check/", {"confirm": "on"}, follow=follow)


def reference_on(response) -> str:
    match = re.search(
        r"<strong>(CR-\d\d-\d{6}-[A-Z])</strong>", response.content.decode()
    )
    assert match, response.content.decode()[:2000]
    return match.group(1)


def started(client) -> Client:
    response = client.post("/report/emergency/", {"emergency": "no"})
    assert response.status_code == 302
    return client


def test_start_page_warns_about_999_and_offers_to_start(client):
    html = client.get("/report/").content.decode()
    assert "Report a crime" in html
    assert "Call 999 if a crime is happening now" in html
    assert 'href="/report/emergency/"' in html


def test_an_emergency_stops_the_journey_and_stores_nothing(client):
    response = client.post("/report/emergency/", {"emergency": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == "/report/call-999/"
    assert "Call 999 now" in response.content.decode()
    assert not ReportDraft.objects.exists()
    assert "report_draft" not in client.session


def test_no_answer_to_the_emergency_question_is_an_error_not_a_guess(client):
    response = client.post("/report/emergency/", {})
    assert response.status_code == 200
    assert "Select yes if this is an emergency" in response.content.decode()
    assert not ReportDraft.objects.exists()


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("fraud", "Action Fraud"),
        ("terrorism", "0800 789 321"),
        ("lost_property", "The police do not record lost property"),
        ("road_collision", "within 24 hours"),
    ],
)
def test_reports_that_belong_elsewhere_are_explained(client, kind, says):
    started(client)
    response = client.post("/report/kind/", {"kind": kind}, follow=True)
    assert response.redirect_chain[-1][0] == f"/report/elsewhere/{kind}/"
    assert says in response.content.decode()
    assert ReportDraft.objects.get().answers == {}


def test_the_whole_journey_gives_a_reference_and_one_report(client):
    check = complete_journey(client)
    assert "Check your answers before sending your report" in check.content.decode()
    response = submit(client, follow=True)
    reference = reference_on(response)
    report = Report.objects.get()
    assert report.case.reference == reference
    assert report.reporter_email == "sam@example.com"
    assert "Report sent" in response.content.decode()


def test_double_click_on_send_gives_one_report_and_the_same_confirmation(client):
    complete_journey(client)
    first = submit(client, follow=True)
    second = submit(client, follow=True)
    assert reference_on(first) == reference_on(second)
    assert Report.objects.count() == Case.objects.count() == 1


def test_back_button_after_sending_shows_the_confirmation_not_a_new_report(client):
    complete_journey(client)
    reference = reference_on(submit(client, follow=True))
    for page in ["/report/check/", "/report/evidence/", "/report/kind/"]:
        response = client.get(page, follow=True)
        assert reference_on(response) == reference
    response = client.post("/report/evidence/", VALID_POSTS["evidence"], follow=True)
    assert reference_on(response) == reference
    assert Report.objects.count() == 1


def test_declaration_must_be_ticked(client):
    complete_journey(client)
    response = client.post("/report/check/", {})
    assert response.status_code == 200
    assert (
        "Confirm that the information you have given is true"
        in response.content.decode()
    )
    assert not Report.objects.exists()


def test_change_link_returns_to_check_your_answers(client):
    complete_journey(client)
    response = client.post(
        "/report/where/?change=1",
        {"place": "Letchworth", "postcode": "SG6 3AA", "action": "continue"},
    )
    assert response["Location"] == "/report/check/"
    assert "Letchworth" in client.get("/report/check/").content.decode()


def test_a_change_that_opens_a_new_question_asks_it_before_returning(client):
    complete_journey(client)
    response = client.post(
        "/report/suspect-known/?change=1",
        {"knows_suspect": "yes", "action": "continue"},
    )
    assert response["Location"] == "/report/suspects/"
    response = client.post(
        "/report/suspects/?change=1",
        {"name": "", "description": "Tall, red coat", "action": "continue"},
    )
    assert response["Location"] == "/report/check/"
    assert "Tall, red coat" in client.get("/report/check/").content.decode()


def test_pages_cannot_be_skipped_by_typing_their_address(client):
    started(client)
    response = client.get("/report/evidence/")
    assert response["Location"] == "/report/kind/"
    assert client.get("/report/check/")["Location"] == "/report/kind/"


def test_without_a_draft_every_page_leads_back_to_the_start(client):
    for page in ["/report/kind/", "/report/check/", "/report/confirmation/"]:
        assert client.get(page)["Location"] == "/report/"


@pytest.mark.parametrize(
    ("slug", "post", "message", "kept"),
    [
        (
            "when-date",
            {"date_0": "1", "date_1": "1", "date_2": "2099", "time": ""},
            "The date it happened must be today or in the past",
            'value="2099"',
        ),
        (
            "when-date",
            {"date_0": "30", "date_1": "2", "date_2": "2026", "time": ""},
            "The date it happened must be a real date",
            'value="30"',
        ),
        (
            "when-date",
            {"date_0": "3", "date_1": "", "date_2": "2026", "time": "25:99"},
            "The date it happened must include a month",
            'value="25:99"',
        ),
        (
            "where",
            {"place": "High St", "postcode": "NOT A CODE"},
            "Enter a full UK postcode, like AL1 3TF",
            'value="NOT A CODE"',
        ),
        (
            "what-happened",
            {"description": "x" * 5001},
            "What happened must be 5,000 characters or fewer",
            "x" * 5001,
        ),
        (
            "what-happened",
            {"description": "bell\x07 here"},
            "What happened must not contain special control characters",
            "bell",
        ),
        (
            "your-details",
            {"full_name": "Sam", "email": "sam@", "phone": "12"},
            "Enter an email address in the correct format",
            'value="sam@"',
        ),
    ],
)
def test_bad_answers_get_a_clear_message_and_keep_what_was_typed(
    client, slug, post, message, kept
):
    complete_journey(client)
    response = client.post(f"/report/{slug}/?change=1", {**post, "action": "continue"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert message in html
    assert kept in html
    assert html.count(message) == 2  # in the summary and beside the field
    assert "<title>Error: " in html


def test_error_summary_links_to_the_first_radio_button(client):
    started(client)
    html = client.post("/report/kind/", {}).content.decode()
    assert 'href="#id_kind_1"' in html
    assert 'id="id_kind_1"' in html


def test_items_can_be_added_and_removed(client):
    complete_journey(client)
    client.post(
        "/report/items/",
        {"description": "Lights", "value": "£20", "serial_number": "", "action": "add"},
    )
    html = client.get("/report/items/").content.decode()
    assert "You have added 2" in html
    assert "£20.00" in html
    client.post("/report/items/", {"action": "remove-0"})
    html = client.get("/report/items/").content.decode()
    assert "You have added 1 item" in html
    assert "Blue Raleigh bicycle" not in html


def test_a_list_page_needs_at_least_one_entry(client):
    started(client)
    for slug in [
        "kind",
        "when",
        "when-date",
        "where",
        "what-happened",
        "role",
        "your-details",
        "contact",
        "repeat",
        "vulnerability",
        "help",
    ]:
        client.post(f"/report/{slug}/", {**VALID_POSTS[slug], "action": "continue"})
    client.post("/report/suspect-known/", {"knows_suspect": "yes"})
    response = client.post("/report/suspects/", {"name": "", "description": ""})
    assert response.status_code == 200
    assert "Add at least one person" in response.content.decode()


def test_save_and_come_back_later_gives_a_link_that_works_in_another_browser(client):
    started(client)
    client.post("/report/kind/", {"kind": "asb", "action": "continue"})
    response = client.post(
        "/report/when/", {"when": "not_sure", "action": "save"}, follow=True
    )
    html = response.content.decode()
    assert "Your answers have been saved" in html
    link = re.search(r'href="(http://testserver/report/resume/[^"]+)"', html).group(1)

    other = Client()
    response = other.get(link.removeprefix("http://testserver"))
    assert response["Location"] == "/report/where/"
    kind_page = other.get("/report/kind/").content.decode()
    assert re.search(r'value="asb"\s+checked', kind_page)


def test_the_resume_link_can_be_emailed(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    started(client)
    client.post("/report/kind/", {"kind": "asb", "action": "save"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/report/saved/", {"email": "me@example.com"})
    assert "We have emailed the link to me@example.com" in response.content.decode()
    assert "/report/resume/" in mailoutbox[0].body


def test_an_unknown_resume_link_says_so(client):
    response = client.get("/report/resume/not-a-real-token/")
    assert response.status_code == 404
    assert "This link has expired" in response.content.decode()


def test_the_printable_copy_shows_every_answer(client):
    complete_journey(client)
    submit(client)
    html = client.get("/report/copy/").content.decode()
    assert "Blue Raleigh bicycle" in html
    assert "My bike was taken from the rack." in html
    assert "Change" not in html


def test_two_tabs_answering_different_pages_keep_both_answers(client):
    complete_journey(client)
    # Two tabs share the session; each posts a different page.
    client.post("/report/where/?change=1", {"place": "Tab one", "postcode": ""})
    client.post("/report/what-happened/?change=1", {"description": "Tab two"})
    html = client.get("/report/check/").content.decode()
    assert "Tab one" in html
    assert "Tab two" in html


def test_check_your_answers_has_a_back_link_to_the_last_question(client):
    complete_journey(client)
    html = client.get("/report/check/").content.decode()
    back = re.search(r'<a href="([^"]+)" class="govuk-back-link">Back</a>', html)
    assert back, "no Back link on check your answers"
    assert back.group(1) == "/report/files/"
    page = client.get(back.group(1))
    assert page.status_code == 200
    assert "<h1" in page.content.decode()
