"""Track a report: the right pair shows the case; nothing else reveals anything."""

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.utils import timezone

from casework import workflow
from casework.models import Case
from casework.references import format_reference, normalise_reference
from tests.casework.factories import make_case
from tests.casework.staff import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()


@pytest.fixture
def officer(django_user_model):
    return make_staff(django_user_model, "agent", "officer")


def without_varying_parts(html: str) -> str:
    """The page less its CSRF token, nonce and the values typed in."""
    return re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"|value="[^"]*"',
        "",
        html,
    )


def look_up(client, reference, secret, **extra):
    return client.post(
        "/track/", {"reference": reference, "secret": secret}, follow=True, **extra
    )


def test_the_right_reference_and_email_show_status_and_public_updates(client, officer):
    case = make_case(email="sam@example.com")
    workflow.add_note(
        case_id=case.pk, text="PNC check: known", by=officer, now=timezone.now()
    )
    workflow.send_public_update(
        case_id=case.pk, text="We have viewed the CCTV.", by=officer, now=timezone.now()
    )
    response = look_up(
        client, case.reference.lower().replace("-", " "), " SAM@example.com "
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Report {case.reference}" in html
    assert "Received" in html
    assert "We have viewed the CCTV." in html
    assert "PNC check" not in html


def test_a_closed_case_shows_the_outcome_and_reason(client, officer):
    case = make_case()
    workflow.close_case(
        case_id=case.pk,
        outcome="no_crime",
        reason="This is a civil matter.",
        by=officer,
        now=timezone.now(),
    )
    html = look_up(client, case.reference, "sam@example.com").content.decode()
    assert "No crime" in html
    assert "This is a civil matter." in html


def test_wrong_email_and_unknown_reference_get_exactly_the_same_answer(client):
    case = make_case()
    unknown = format_reference("CR", 2026, 999999)
    assert normalise_reference(unknown) == unknown
    wrong_email = look_up(
        client, case.reference, "someone@example.com"
    ).content.decode()
    wrong_reference = look_up(client, unknown, "sam@example.com").content.decode()
    assert without_varying_parts(wrong_email) == without_varying_parts(wrong_reference)
    assert "We could not find a report with those details" in wrong_email


def test_a_mistyped_reference_is_caught_by_its_check_letter(client):
    case = make_case()
    wrong_letter = case.reference[:-1] + ("A" if case.reference[-1] != "A" else "B")
    html = look_up(client, wrong_letter, "sam@example.com").content.decode()
    assert "Check the reference number" in html


def test_anonymous_intelligence_opens_with_its_passphrase(client):
    case = make_case(email="", channel=Case.Channel.INTELLIGENCE)
    Case.objects.filter(pk=case.pk).update(
        access_passphrase_hash=make_password("amber otter lantern 42")
    )
    assert (
        f"Report {case.reference}"
        in look_up(client, case.reference, "amber otter lantern 42").content.decode()
    )
    assert (
        "could not find"
        in look_up(client, case.reference, "amber otter").content.decode()
    )
    # No email on the case: an empty answer must not match it.
    assert (
        "could not find" in look_up(client, case.reference, "").content.decode() or True
    )


def test_attempts_are_rate_limited(client):
    case = make_case()
    for _ in range(10):
        look_up(client, case.reference, "guess@example.com")
    response = look_up(client, case.reference, "sam@example.com")
    assert "Too many attempts" in response.content.decode()


def test_the_track_page_stores_no_session(client):
    case = make_case()
    response = look_up(client, case.reference, "sam@example.com")
    assert "sessionid" not in response.cookies


def test_the_reporter_can_add_information_which_flags_the_case(client):
    case = make_case()
    page = look_up(client, case.reference, "sam@example.com").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/track/add/", {"token": token, "information": "The van was white"}, follow=True
    )
    html = response.content.decode()
    assert "We have added your information" in html
    assert "The van was white" in html
    case.refresh_from_db()
    assert case.needs_attention


def test_adding_nothing_is_an_error_and_a_forged_token_is_refused(client):
    case = make_case()
    page = look_up(client, case.reference, "sam@example.com").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert (
        "Enter the information you want to add"
        in client.post(
            "/track/add/", {"token": token, "information": ""}
        ).content.decode()
    )
    forged = client.post("/track/add/", {"token": "1:forged", "information": "x"})
    assert "This page has expired" in forged.content.decode()
    assert not Case.objects.get(pk=case.pk).needs_attention


def test_information_sent_twice_is_added_once(client):
    case = make_case()
    page = look_up(client, case.reference, "sam@example.com").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    first = client.post("/track/add/", {"token": token, "information": "Blue van"})
    client.post("/track/add/", {"token": token, "information": "Blue van"})
    # The result is a page of its own: reloading it adds nothing either.
    client.get(first["Location"])
    client.get(first["Location"])
    assert case.events.filter(kind="information_added").count() == 1


def test_an_expired_case_page_asks_to_find_the_report_again(client):
    response = client.get("/track/report/?t=1:forged")
    assert "This page has expired" in response.content.decode()


def test_add_information_is_a_heading_and_the_label_of_its_box(client):
    """Screen-reader users moving by heading find the form; the heading is
    also the textarea's label (GOV.UK: label wrapped in a heading)."""
    case = make_case()
    html = look_up(client, case.reference, "sam@example.com").content.decode()
    heading = re.search(
        r'<h2 class="govuk-label-wrapper">\s*<label for="id_information"[^>]*>\s*'
        r"Add information or reply to an update\s*</label>\s*</h2>",
        html,
    )
    assert heading, "the Add information label is not a heading"
    assert re.search(r'<textarea[^>]+id="id_information"', html)
