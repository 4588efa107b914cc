"""“Is this page useful?” and /feedback/, as plain form posts (no JavaScript)."""

import re

import pytest

from guidance.models import JourneyFeedback, PageFeedback

pytestmark = pytest.mark.django_db


def test_every_public_page_asks_whether_it_was_useful(client):
    for url in ["/", "/services/", "/help/", "/cookies/", "/report/"]:
        html = client.get(url).content.decode()
        assert "Is this page useful?" in html, url
        assert 'action="/feedback/page/"' in html, url
        assert 'name="csrfmiddlewaretoken"' in html, url


def test_yes_is_counted_and_the_page_says_thank_you(client):
    response = client.post(
        "/feedback/page/", {"useful": "yes", "next": "/services/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/services/#page-feedback"
    assert "Thank you for your feedback" in response.content.decode()
    feedback = PageFeedback.objects.get()
    assert (feedback.path, feedback.useful) == ("/services/", True)
    # The thank-you is shown once, then the question comes back.
    assert "Is this page useful?" in client.get("/services/").content.decode()


def test_no_is_counted_then_asks_what_went_wrong(client):
    response = client.post(
        "/feedback/page/", {"useful": "no", "next": "/help/"}, follow=True
    )
    html = response.content.decode()
    assert "What went wrong?" in html
    assert "Do not include personal information" in html
    assert PageFeedback.objects.get().useful is False

    url = response.redirect_chain[-1][0]
    response = client.post(
        url,
        {"reason": "unclear", "details": "Too long. Email me at sam@example.com"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/help/#page-feedback"
    assert "Thank you for your feedback" in response.content.decode()
    feedback = PageFeedback.objects.get()
    assert feedback.reason == "unclear"
    assert feedback.details == "Too long. Email me at [removed]"


def test_what_went_wrong_without_a_reason_is_an_error_that_keeps_the_text(client):
    response = client.post("/feedback/page/", {"useful": "no", "next": "/help/"})
    response = client.post(response["Location"], {"details": "The map is wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Select what went wrong" in html
    assert "The map is wrong</textarea>" in html
    assert PageFeedback.objects.get().reason == ""


def test_a_forged_what_went_wrong_link_changes_nothing(client):
    response = client.post("/feedback/page/", {"useful": "no", "next": "/help/"})
    forged = re.sub(
        r"what-went-wrong/[^/]+/", "what-went-wrong/MQ:forged:x/", response["Location"]
    )
    client.post(forged, {"reason": "wrong"})
    assert PageFeedback.objects.get().reason == ""


def test_feedback_never_sends_people_to_another_site(client):
    for target in ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]:
        response = client.post("/feedback/page/", {"useful": "yes", "next": target})
        assert response["Location"] == "/#page-feedback", target


def test_page_feedback_keeps_no_tokens_from_private_links(client):
    client.post("/feedback/page/", {"useful": "yes", "next": "/report/resume/secret/"})
    assert PageFeedback.objects.get().path == "/report/resume/<str:token>/"


def test_journey_feedback_names_the_journey_and_is_saved(client):
    html = client.get("/feedback/?journey=report").content.decode()
    assert "Give feedback on reporting a crime" in html
    response = client.post(
        "/feedback/",
        {"journey": "report", "satisfaction": "4", "comments": "Quick. 01632 960001"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/feedback/thanks/"
    assert "Thank you for your feedback" in response.content.decode()
    feedback = JourneyFeedback.objects.get()
    assert (feedback.journey, feedback.satisfaction) == ("report", 4)
    assert feedback.comments == "Quick. [removed]"


def test_an_unknown_journey_is_feedback_on_the_website(client):
    html = client.get("/feedback/?journey=<script>").content.decode()
    assert "Give feedback on this website" in html
    assert "<script>" not in html.split("<main")[1].split("</main>")[0]


def test_journey_feedback_offers_the_five_point_scale(client):
    html = client.get("/feedback/").content.decode()
    labels = re.findall(
        r'<label class="govuk-label govuk-radios__label"[^>]*>\s*([^<]+?)\s*</label>',
        html,
    )
    assert labels == [
        "Very satisfied",
        "Satisfied",
        "Neither satisfied nor dissatisfied",
        "Dissatisfied",
        "Very dissatisfied",
    ]


def test_journey_feedback_without_a_rating_shows_an_error_and_keeps_comments(client):
    response = client.post(
        "/feedback/", {"journey": "report", "comments": "The map was confusing"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert 'href="#id_satisfaction_1"' in html
    assert "Select how you feel about the service" in html
    assert "The map was confusing</textarea>" in html
    assert "Give feedback on reporting a crime" in html
    assert not JourneyFeedback.objects.exists()


def test_journey_feedback_rejects_a_made_up_rating(client):
    response = client.post("/feedback/", {"satisfaction": "9"})
    assert "Select how you feel about the service" in response.content.decode()
    assert not JourneyFeedback.objects.exists()
