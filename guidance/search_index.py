"""The PostgreSQL full-text index of service pages.

Why a stored `search_vector` column written on save, rather than the
alternatives Django 5.2 offers:

- a GeneratedField fixes its expression in the migration, and
  `to_tsvector` does not exist on SQLite, which the embedded site runs on;
- a GIN index on an expression is only used when every query repeats the
  expression exactly, which breaks silently when someone edits one side.

A plain column with a plain GIN index (migration 0002, PostgreSQL only) is
simple to index, to EXPLAIN and to rebuild. Every write to a page goes
through `ServicePage.save()` or `refresh_search_vectors`.
"""

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import QuerySet, Value
from django.db.models.functions import Concat

# English stemming: "certificates" and "certificate" find each other.
SEARCH_CONFIG = "english"


def page_vector():
    """Title over summary and short facts over body (weights A, B, C)."""
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector(
            Concat(
                "summary",
                Value(" "),
                "who_for",
                Value(" "),
                "cost",
                Value(" "),
                "time_taken",
            ),
            weight="B",
            config=SEARCH_CONFIG,
        )
        + SearchVector("body_markdown", weight="C", config=SEARCH_CONFIG)
    )


def refresh_search_vectors(pages: QuerySet) -> int:
    """Rewrite the vectors of `pages`; does nothing on SQLite."""
    if connection.vendor != "postgresql":
        return 0
    return pages.update(search_vector=page_vector())
