"""Search on the embedded default (SQLite), and counting what found nothing."""

import pytest

from guidance import selectors, services
from guidance.models import SearchMiss, ServicePage, Synonym

pytestmark = pytest.mark.django_db


def slugs(query: str) -> list[str]:
    return [page.slug for page in selectors.search_pages(query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("firearms certificate", "firearms-and-shotgun-certificates"),
        ("gun licence", "firearms-and-shotgun-certificates"),
        ("firarms licence", "firearms-and-shotgun-certificates"),
        ("lost wallet", "lost-and-found-property"),
        ("my records", "subject-access-request"),
        ("Clare's Law", "domestic-violence-disclosure-scheme"),
        ("dashcam", "road-traffic-collisions-and-dashcam"),
        ("car towed away", "seized-or-removed-vehicles"),
    ],
)
def test_sqlite_search_puts_the_right_page_first(query, expected):
    assert slugs(query)[0] == expected


def test_search_finds_only_published_pages():
    ServicePage.objects.filter(slug="freedom-of-information").update(
        status=ServicePage.Status.DRAFT
    )
    assert "freedom-of-information" not in slugs("freedom of information")


def test_a_synonym_added_in_admin_is_used_at_once():
    assert slugs("zorblat") == []
    Synonym.objects.create(term="  Zorblat ", expansion="firearms certificate")
    assert slugs("ZORBLAT")[0] == "firearms-and-shotgun-certificates"


def test_empty_or_punctuation_only_search_finds_nothing():
    assert selectors.search_pages("") == []
    assert selectors.search_pages("?!") == []


def test_search_page_shows_results_without_javascript(client):
    html = client.get("/services/search/", {"q": "gun licence"}).content.decode()
    assert "results for “gun licence”" in html
    assert 'href="/services/firearms-and-shotgun-certificates/"' in html
    assert not SearchMiss.objects.exists()


def test_a_search_with_no_results_is_counted_by_its_words_only(client):
    client.get("/services/search/", {"q": "Zebra  crossings"})
    client.get(
        "/services/search/",
        {"q": "zebra crossings"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Agent/1",
    )
    miss = SearchMiss.objects.get()
    assert (miss.terms, miss.count) == ("zebra crossings", 2)
    stored = " ".join(
        str(value) for value in SearchMiss.objects.values().get().values()
    )
    assert "203.0.113.9" not in stored and "Agent" not in stored
    field_names = {f.name for f in SearchMiss._meta.get_fields()}
    assert field_names == {"id", "terms", "count", "first_seen", "last_seen"}


def test_no_results_page_suggests_what_to_do(client):
    html = client.get("/services/search/", {"q": "zebra crossings"}).content.decode()
    assert "There are no matching results" in html
    assert "call 101" in html


def test_personal_details_typed_into_search_are_not_kept(settings):
    from django.utils import timezone

    services.record_search_miss(
        terms="zebra sam@example.com 07700 900982 AL1 3TF", now=timezone.now()
    )
    assert SearchMiss.objects.get().terms == "zebra"


def test_a_too_long_search_is_an_error_with_the_words_kept(client):
    query = "word " * 30
    response = client.get("/services/search/", {"q": query})
    html = response.content.decode()
    assert "There is a problem" in html
    assert "must be 100 characters or fewer" in html
    assert "<title>Error:" in html
    assert f'value="{query}"' in html
