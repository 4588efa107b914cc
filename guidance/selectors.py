"""Reads: published pages, categories, departments, and search."""

from difflib import get_close_matches
from functools import reduce

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.db import connection, transaction
from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Greatest

from guidance.journeys import journey_label
from guidance.models import (
    Category,
    Department,
    JourneyFeedback,
    PageFeedback,
    ServicePage,
    Synonym,
)
from guidance.search_index import SEARCH_CONFIG
from guidance.search_text import contains_phrase, normalise

# Words in almost every query that say nothing about which page is wanted.
_FILLER = (
    "a an and are can do for from get how i in is it me of on or the to "
    "what when where who with you your hertfordshire herts police "
    "constabulary apply online please want need"
)
FILLER_WORDS = frozenset(_FILLER.split())
MAX_RESULTS = 20
# How close a misspelt word must be to part of a title (pg_trgm word_similarity).
WORD_SIMILARITY_THRESHOLD = 0.4


def published_pages() -> QuerySet[ServicePage]:
    return ServicePage.objects.filter(status=ServicePage.Status.PUBLISHED)


def categories_with_pages() -> list[Category]:
    pages = published_pages().only("slug", "title", "summary", "category_id")
    return list(
        Category.objects.filter(pages__status=ServicePage.Status.PUBLISHED)
        .distinct()
        .prefetch_related(Prefetch("pages", queryset=pages, to_attr="published"))
    )


def page_for_reading(*, slug: str, include_drafts: bool = False) -> ServicePage | None:
    pages = ServicePage.objects if include_drafts else published_pages()
    return (
        pages.select_related("category")
        .prefetch_related(
            "departments", Prefetch("related", queryset=published_pages())
        )
        .filter(slug=slug)
        .first()
    )


def pages_in_category(category: Category) -> list[ServicePage]:
    return list(published_pages().filter(category=category))


def departments_with_pages() -> list[Department]:
    return list(
        Department.objects.prefetch_related(
            Prefetch("pages", queryset=published_pages(), to_attr="published")
        )
    )


def department_for_reading(*, slug: str) -> Department | None:
    return (
        Department.objects.prefetch_related(
            Prefetch("pages", queryset=published_pages(), to_attr="published")
        )
        .filter(slug=slug)
        .first()
    )


# --- Search ----------------------------------------------------------------


def expand_synonyms(phrase: str) -> list[str]:
    """The expansions of every synonym whose term is in `phrase` (whole words)."""
    return [
        expansion
        for term, expansion in Synonym.objects.values_list("term", "expansion")
        if contains_phrase(phrase, term)
    ]


def search_pages(query: str) -> list[ServicePage]:
    """Published pages for what someone typed, best first.

    Synonyms add the words our pages use to the words people use. PostgreSQL
    ranks by weighted full-text match (title, then summary and facts, then
    body) plus trigram closeness to the title for misspellings; SQLite, the
    embedded default, counts matching words in the same fields.
    """
    phrase = normalise(query)
    if not phrase:
        return []
    expansions = expand_synonyms(phrase)
    words = [w for w in phrase.split() if w not in FILLER_WORDS] or phrase.split()
    if connection.vendor == "postgresql":
        return _search_postgres(phrase, words, expansions)
    return _search_by_counting(words, expansions)


def _any_of(words: list[str]) -> SearchQuery:
    """Any of the words, stemmed: each word a plain query, OR-ed together."""
    queries = [SearchQuery(w, search_type="plain", config=SEARCH_CONFIG) for w in words]
    return reduce(lambda a, b: a | b, queries)


def _misspelt(words: list[str]) -> list[str]:
    """The words (4 letters or more) that no published page contains.

    One query, served by the GIN index on search_vector; stop words ("about")
    are not misspelt, just ignored by full-text search.
    """
    candidates = [w for w in words if len(w) >= 4]
    if not candidates:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w FROM unnest(%s::text[]) AS w "
            "WHERE numnode(plainto_tsquery(%s::regconfig, w)) > 0 "
            "AND NOT EXISTS (SELECT 1 FROM guidance_servicepage p "
            "WHERE p.status = %s "
            "AND p.search_vector @@ plainto_tsquery(%s::regconfig, w))",
            [candidates, SEARCH_CONFIG, ServicePage.Status.PUBLISHED, SEARCH_CONFIG],
        )
        return [row[0] for row in cursor.fetchall()]


def _rank(query: SearchQuery):
    # Ranks are around 0.01 to 0.1; scaled to be comparable with trigram
    # similarity (0 to 1). Normalisation 1 evens out long and short pages.
    return SearchRank(F("search_vector"), query, normalization=Value(1)) * 10


@transaction.atomic
def _search_postgres(
    phrase: str, words: list[str], expansions: list[str]
) -> list[ServicePage]:
    every_word = SearchQuery(phrase, search_type="websearch", config=SEARCH_CONFIG)
    any_word = _any_of(words + [w for e in expansions for w in e.split()])
    matches = Q(search_vector=every_word) | Q(search_vector=any_word)
    score = _rank(every_word) * 2 + _rank(any_word)
    if expansions:
        # What people call a thing, translated: the strongest signal.
        synonym = _any_of(expansions)
        score += _rank(synonym) * 3
    misspelt = _misspelt(words)
    if misspelt:
        # Lower than pg_trgm's default 0.6 so that "frearm" finds "Firearms";
        # set_config(..., true) lasts until the end of this transaction.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                [str(WORD_SIMILARITY_THRESHOLD)],
            )
        for word in misspelt:
            # The %> operator, served by the trigram index on title.
            matches |= Q(title__trigram_word_similar=word)
        closeness = [TrigramWordSimilarity(Value(w), "title") for w in misspelt]
        score += closeness[0] if len(closeness) == 1 else Greatest(*closeness)
    pages = (
        published_pages()
        .filter(matches)
        .annotate(score=score)
        .select_related("category")
        .order_by("-score", "title")
    )
    return list(pages[:MAX_RESULTS])


def _search_by_counting(words: list[str], expansions: list[str]) -> list[ServicePage]:
    """SQLite: whole-word matches, title over summary over body, in Python.

    Few enough pages that reading them all is quicker than building an index;
    a misspelt word is corrected to the closest title or summary word.
    """
    pages = list(published_pages().select_related("category"))
    vocabulary = {w for p in pages for w in normalise(f"{p.title} {p.summary}").split()}
    corrected = [w if w in vocabulary else _closest(w, vocabulary) for w in words]
    wanted = corrected + [w for e in expansions for w in e.split()]
    scored = []
    for page in pages:
        title = set(_stems(page.title))
        summary = set(_stems(f"{page.summary} {page.who_for} {page.cost}"))
        body = set(_stems(page.body_markdown))
        score = 0
        for stem in _stems(" ".join(wanted)):
            score += 3 * (stem in title) + 2 * (stem in summary) + (stem in body)
        if score:
            scored.append((-score, page.title, page))
    return [page for *_order, page in sorted(scored)[:MAX_RESULTS]]


def _closest(word: str, vocabulary: set[str]) -> str:
    matches = get_close_matches(word, vocabulary, n=1, cutoff=0.8)
    return matches[0] if matches else word


def _stems(text: str) -> list[str]:
    """Crude English stems, enough for plurals: certificates → certificate."""
    stems = []
    for word in normalise(text).split():
        if word in FILLER_WORDS:
            continue
        if len(word) > 4 and word.endswith("ies"):
            word = word[:-3] + "y"
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        stems.append(word)
    return stems


# --- Feedback, summarised for content editors --------------------------------


def page_feedback_summary() -> list[dict]:
    """Per page: how many said yes and no, most answers first."""
    rows = (
        PageFeedback.objects.values("path")
        .annotate(
            yes=Count("pk", filter=Q(useful=True)),
            no=Count("pk", filter=Q(useful=False)),
            total=Count("pk"),
        )
        .order_by("-total", "path")
    )
    return [
        {**row, "percent_useful": round(100 * row["yes"] / row["total"])}
        for row in rows
    ]


def journey_feedback_summary() -> list[dict]:
    """Per journey: answers, average satisfaction (5 best) and the spread."""
    summary = []
    for row in (
        JourneyFeedback.objects.values("journey")
        .annotate(total=Count("pk"), average=Avg("satisfaction"))
        .order_by("-total", "journey")
    ):
        counts = dict(
            JourneyFeedback.objects.filter(journey=row["journey"])
            .values_list("satisfaction")
            .annotate(n=Count("pk"))
        )
        summary.append(
            {
                "journey": journey_label(row["journey"]),
                "total": row["total"],
                "average": round(row["average"], 1),
                "spread": [
                    (label, counts.get(value, 0))
                    for value, label in JourneyFeedback.Satisfaction.choices
                ],
            }
        )
    return summary
