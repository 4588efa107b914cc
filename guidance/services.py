"""Writes: counting searches that found nothing, and recording feedback.

None of these takes a request, a user, an address or a session: there is
nothing here that could say who searched or who sent feedback.
"""

from datetime import datetime

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F

from guidance.journeys import JOURNEYS
from guidance.models import JourneyFeedback, PageFeedback, SearchMiss
from guidance.search_text import normalise, scrub_personal_details

_EXPLAIN_SALT = "guidance.page-feedback.explain"
EXPLAIN_WITHIN_SECONDS = 60 * 60


class InvalidFeedback(ValueError):
    pass


def record_search_miss(*, terms: str, now: datetime) -> SearchMiss | None:
    """Count one search that found nothing, by its words only.

    The words are normalised (so “Gun  Licence” and “gun licence” count
    together) and anything that looks like an email, phone number or
    postcode is removed first.
    """
    text = normalise(scrub_personal_details(terms).replace("[removed]", " "))
    if not text:
        return None
    updated = SearchMiss.objects.filter(terms=text).update(
        count=F("count") + 1, last_seen=now
    )
    if not updated:
        try:
            with transaction.atomic():
                return SearchMiss.objects.create(
                    terms=text, count=1, first_seen=now, last_seen=now
                )
        except IntegrityError:
            # Someone else counted the same words first: count ours too.
            SearchMiss.objects.filter(terms=text).update(
                count=F("count") + 1, last_seen=now
            )
    return SearchMiss.objects.get(terms=text)


def record_page_usefulness(*, path: str, useful: bool, now: datetime) -> PageFeedback:
    return PageFeedback.objects.create(path=path[:200], useful=useful, created_at=now)


def explain_token(feedback: PageFeedback) -> str:
    """A signed token that lets the sender of a “No” say what was wrong."""
    return signing.dumps(feedback.pk, salt=_EXPLAIN_SALT)


def feedback_for_token(token: str) -> PageFeedback:
    try:
        pk = signing.loads(token, salt=_EXPLAIN_SALT, max_age=EXPLAIN_WITHIN_SECONDS)
    except signing.BadSignature as error:
        raise InvalidFeedback("The link has expired or is not ours") from error
    feedback = PageFeedback.objects.filter(pk=pk, useful=False).first()
    if feedback is None:
        raise InvalidFeedback("No such feedback")
    return feedback


@transaction.atomic
def explain_page_feedback(*, token: str, reason: str, details: str) -> PageFeedback:
    """Add what was wrong to a “No”. Sending it twice keeps the first answer."""
    feedback = feedback_for_token(token)
    feedback = PageFeedback.objects.select_for_update().get(pk=feedback.pk)
    if reason not in PageFeedback.Reason.values:
        raise InvalidFeedback("Unknown reason")
    if not feedback.reason:
        feedback.reason = reason
        feedback.details = scrub_personal_details(details).strip()
        feedback.save(update_fields=["reason", "details"])
    return feedback


def record_journey_feedback(
    *, journey: str, satisfaction: int, comments: str, now: datetime
) -> JourneyFeedback:
    if journey and journey not in JOURNEYS:
        raise InvalidFeedback("Unknown journey")
    if satisfaction not in JourneyFeedback.Satisfaction.values:
        raise InvalidFeedback("Satisfaction must be 1 to 5")
    return JourneyFeedback.objects.create(
        journey=journey,
        satisfaction=satisfaction,
        comments=scrub_personal_details(comments).strip(),
        created_at=now,
    )
