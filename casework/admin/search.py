"""Searching cases: by reference, name, email, postcode or words.

What was typed is read for its shape first, so each search uses an index:

- a reference ("CR-26-004217-K", any spacing or case): that one case;
- an email address: an exact (case-insensitive) match on each email field;
- a postcode or outward code ("SG5 1AA", "SG5"): postcodes starting with it;
- anything else: each word must appear in one of the text fields (summary,
  names, emails), found with trigram indexes on PostgreSQL (migration 0007).

Each field is searched on its own and the matching ids joined with UNION, so
the database answers each part from its index instead of scanning every
case. Channel apps add their own fields (``register_search_field``); casework
does not import them.
"""

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from casework.models import Case
from casework.references import normalise_reference
from casework.services import outward_code_of

TEXT = "text"
EMAIL = "email"
POSTCODE = "postcode"


@dataclass(frozen=True)
class SearchField:
    lookup: str  # a path from Case, as in a filter: "report__reporter_name"
    kind: str  # TEXT (words anywhere), EMAIL (exact) or POSTCODE (prefix)


SEARCH_FIELDS: list[SearchField] = [
    SearchField("summary", TEXT),
    SearchField("contact_email", TEXT),
    SearchField("contact_email", EMAIL),
    SearchField("postcode", POSTCODE),
]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_FULL_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}$")
_SHORTEST_WORD = 3  # trigram indexes cannot help with shorter words
_MOST_WORDS = 6


def register_search_field(lookup: str, kind: str = TEXT) -> None:
    """Let the case list search a channel's own field (call from its admin)."""
    field = SearchField(lookup, kind)
    if field not in SEARCH_FIELDS:
        SEARCH_FIELDS.append(field)


def _ids(lookups: list[tuple[str, str]]) -> QuerySet:
    parts = [
        Case.objects.filter(**{lookup: value}).order_by().values("pk")
        for lookup, value in lookups
    ]
    return parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]


def _fields(kind: str) -> list[str]:
    return [field.lookup for field in SEARCH_FIELDS if field.kind == kind]


def search_cases(cases: QuerySet[Case], typed: str) -> QuerySet[Case]:
    typed = " ".join(typed.split())
    if not typed:
        return cases
    reference = normalise_reference(typed)
    if reference:
        return cases.filter(reference=reference)
    if _EMAIL.match(typed):
        return cases.filter(
            pk__in=_ids([(f"{name}__iexact", typed) for name in _fields(EMAIL)])
        )
    upper = typed.upper()
    if _FULL_POSTCODE.match(upper) or outward_code_of(upper) == upper:
        compact = re.sub(r"\s+", "", upper)
        # Stored as typed: "SG5 1AA" or "SG51AA".
        forms = {compact}
        if _FULL_POSTCODE.match(upper):
            forms.add(f"{compact[:-3]} {compact[-3:]}")
        return cases.filter(
            pk__in=_ids(
                [
                    (f"{name}__istartswith", form)
                    for name in _fields(POSTCODE)
                    for form in sorted(forms)
                ]
            )
        )
    words = typed.split(" ")
    long_words = [word for word in words if len(word) >= _SHORTEST_WORD]
    condition = Q()
    for word in (long_words or words)[:_MOST_WORDS]:
        condition &= Q(
            pk__in=_ids([(f"{name}__icontains", word) for name in _fields(TEXT)])
        )
    return cases.filter(condition)
