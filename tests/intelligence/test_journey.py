"""Tell us about something, as people use it."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from casework.models import Case, CaseEvent, StaffNotice
from intelligence.models import IntelligenceDraft, IntelligenceSubmission
from tests.intelligence.journey import (
    complete,
    passphrase_on,
    reference_on,
    start,
    submit,
    token_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()


def test_start_page_says_plainly_what_is_and_is_not_kept(client):
    html = client.get("/tell-us/").content.decode()
    assert "we do not record your IP address" in html
    assert "we do not use a cookie to recognise you" in html
    assert "Exit this page" in html


def test_someone_in_danger_is_told_to_call_999_and_nothing_is_stored(client):
    response = client.post("/tell-us/danger/", {"danger": "yes"}, follow=True)
    assert "Call 999 now" in response.content.decode()
    assert not IntelligenceDraft.objects.exists()


@pytest.mark.parametrize(
    ("topic", "says"),
    [
        ("terrorism", "0800 789 321"),
        ("fraud", "Action Fraud"),
        ("child_at_risk", "Call 999 now"),
    ],
)
def test_topics_that_belong_elsewhere_are_explained(client, topic, says):
    first = start(client)
    response = client.post(first, {"topic": topic}, follow=True)
    assert says in response.content.decode()
    assert IntelligenceDraft.objects.get().answers == {}


def test_anonymous_submission_gives_a_reference_and_a_passphrase_shown_once(client):
    check = complete(client)
    assert "You chose to stay anonymous" in client.get(check).content.decode()
    html = submit(client, check).content.decode()
    reference, passphrase = reference_on(html), passphrase_on(html)
    case = Case.objects.get(reference=reference)
    assert case.channel == "intelligence"
    assert case.contact_email == ""
    assert case.is_sensitive
    assert len(passphrase) == 19
    # Again (a double click, a refresh): the same record, passphrase not shown.
    again = submit(client, check).content.decode()
    assert reference_on(again) == reference
    assert passphrase not in again
    assert IntelligenceSubmission.objects.count() == 1


def test_named_submission_keeps_the_details_given(client):
    check = complete(client, {"identity": {"give_details": "yes"}})
    submit(client, check)
    submission = IntelligenceSubmission.objects.get()
    assert not submission.anonymous
    assert submission.informant_name == "Pat Informant"
    assert submission.case.contact_email == "pat@example.com"


def test_anonymous_answers_drop_details_typed_before_changing_their_mind(client):
    check = complete(client, {"identity": {"give_details": "yes"}})
    token = token_of(check)
    client.post(f"/tell-us/{token}/identity/?change=1", {"give_details": "no"})
    submit(client, check)
    submission = IntelligenceSubmission.objects.get()
    assert submission.anonymous
    assert submission.informant_name == ""
    assert "your-details" not in submission.answers
    assert "Pat Informant" not in str(submission.answers)


def test_no_session_and_no_cookie_of_ours_on_the_anonymous_path():
    client = Client()
    check = complete(client)
    response = submit(client, check)
    assert "sessionid" not in client.cookies
    assert "sessionid" not in response.cookies


def test_information_about_weapons_is_flagged_for_immediate_review(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, complete(client, {"about": {"topic": "weapons"}}))
    submission = IntelligenceSubmission.objects.get()
    assert submission.immediate_review
    assert submission.case.priority == Case.Priority.HIGH
    notice = StaffNotice.objects.get()
    assert submission.case.reference in notice.text
    assert "Tiny" not in notice.text  # no detail of the information itself


def test_ordinary_information_is_not_flagged(client):
    submit(client, complete(client))
    assert not IntelligenceSubmission.objects.get().immediate_review


def test_bad_answers_are_explained_and_kept(client):
    first = start(client)
    token = token_of(first)
    client.post(first, {"topic": "drug_dealing"})
    response = client.post(f"/tell-us/{token}/what/", {"information": "x" * 5001})
    html = response.content.decode()
    assert "Your information must be 5,000 characters or fewer" in html
    assert "x" * 5001 in html


def test_an_unknown_draft_address_says_it_has_expired(client):
    response = client.get("/tell-us/not-a-token/what/")
    assert response.status_code == 404
    assert "This page has expired" in response.content.decode()


def test_follow_up_with_the_right_passphrase_adds_to_the_same_record(client):
    html = submit(client, complete(client)).content.decode()
    reference, passphrase = reference_on(html), passphrase_on(html)
    other = Client()
    page = other.post(
        "/tell-us/add/", {"reference": reference, "passphrase": passphrase.lower()}
    ).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    done = other.post(
        "/tell-us/add/more/",
        {"token": token, "information": "Now on Fridays too"},
        follow=True,
    )
    assert "Information added" in done.content.decode()
    event = CaseEvent.objects.get(kind="information_added")
    assert event.case.reference == reference
    assert event.text == "Now on Fridays too"


def test_a_wrong_passphrase_reveals_nothing_and_is_rate_limited(client):
    html = submit(client, complete(client)).content.decode()
    reference = reference_on(html)
    other = Client()
    for _ in range(10):
        page = other.post(
            "/tell-us/add/",
            {"reference": reference, "passphrase": "AAAA-BBBB-CCCC-DDDD"},
        ).content.decode()
        assert "We could not find that" in page
        assert "What else do you want to tell us?" not in page
    page = other.post(
        "/tell-us/add/", {"reference": reference, "passphrase": "AAAA-BBBB-CCCC-DDDD"}
    ).content.decode()
    assert "Too many attempts" in page


def test_every_page_offers_exit_this_page(client):
    first = start(client)
    assert "Exit this page" in client.get(first).content.decode()


def test_check_your_answers_has_a_back_link_to_the_last_question(client):
    check = complete(client)
    html = client.get(check).content.decode()
    back = re.search(r'<a href="([^"]+)" class="govuk-back-link">Back</a>', html)
    assert back, "no Back link on check your answers"
    assert back.group(1) == check.replace("/check/", "/files/")
    assert client.get(back.group(1)).status_code == 200
