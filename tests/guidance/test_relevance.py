"""Search relevance on PostgreSQL: the right page in the top three.

Realistic queries, including misspellings and the words people use rather
than ours. Runs with DATABASE_URL and REDIS_URL set (tests/conftest.py).
"""

import pytest
from django.db import connection

from guidance.selectors import search_pages

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

QUERIES = [
    # the words on our pages
    ("firearms certificate", "firearms-and-shotgun-certificates"),
    ("shotgun renewal", "firearms-and-shotgun-certificates"),
    ("freedom of information request", "freedom-of-information"),
    ("subject access request", "subject-access-request"),
    ("temporary event notice", "alcohol-and-event-licensing"),
    ("submit dashcam footage", "road-traffic-collisions-and-dashcam"),
    ("complaint about a police officer", "complaints-and-compliments"),
    ("special constable", "volunteering-and-joining"),
    ("police certificate for a visa", "police-certificates-and-disclosure-checks"),
    # questions as people ask them
    ("how do I get my car back", "seized-or-removed-vehicles"),
    ("found a passport in the street", "lost-and-found-property"),
    ("is my new boyfriend violent", "domestic-violence-disclosure-scheme"),
    ("sex offender living near my children", "child-sex-offender-disclosure-scheme"),
    ("become a police officer", "volunteering-and-joining"),
    ("report a car crash", "road-traffic-collisions-and-dashcam"),
    # synonyms: what people call it
    ("gun licence", "firearms-and-shotgun-certificates"),
    ("lost wallet", "lost-and-found-property"),
    ("my records", "subject-access-request"),
    ("clare's law", "domestic-violence-disclosure-scheme"),
    ("sarahs law", "child-sex-offender-disclosure-scheme"),
    ("dbs check", "police-certificates-and-disclosure-checks"),
    ("foi", "freedom-of-information"),
    ("car towed away", "seized-or-removed-vehicles"),
    ("pub licence", "alcohol-and-event-licensing"),
    ("thank an officer", "complaints-and-compliments"),
    # misspellings
    ("firarms licence", "firearms-and-shotgun-certificates"),
    ("shotgun certficate", "firearms-and-shotgun-certificates"),
    ("subjet acess", "subject-access-request"),
    ("volunter", "volunteering-and-joining"),
    ("complant", "complaints-and-compliments"),
    ("dashcan footage", "road-traffic-collisions-and-dashcam"),
    ("freedom of infomation", "freedom-of-information"),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("relevance is measured on PostgreSQL")


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_the_right_page_is_in_the_top_three(query, expected):
    top_three = [page.slug for page in search_pages(query)[:3]]
    assert expected in top_three, top_three


def test_relevance_figures(capsys):
    """Prints how many queries put the right page first and in the top three."""
    first = top_three = 0
    for query, expected in QUERIES:
        slugs = [page.slug for page in search_pages(query)[:3]]
        first += bool(slugs) and slugs[0] == expected
        top_three += expected in slugs
    with capsys.disabled():
        print(
            f"\nsearch relevance: {first}/{len(QUERIES)} first, "
            f"{top_three}/{len(QUERIES)} in the top three"
        )
    assert top_three == len(QUERIES)


def test_the_full_text_index_is_there_and_used():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM guidance_servicepage "
            "WHERE search_vector @@ plainto_tsquery('english', 'firearms')"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
        assert "guidance_page_search_gin" in plan
        cursor.execute(
            "EXPLAIN SELECT id FROM guidance_servicepage WHERE title %> 'firarms'"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
        assert "guidance_page_title_trgm" in plan
