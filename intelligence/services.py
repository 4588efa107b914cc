"""Actions of "Tell us about something": drafts, the submit, grading.

Nothing here is ever given the request: no address, browser detail or cookie
can reach the database, a log line or a task from this module.
"""

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from casework.cases import open_case, queue_email
from casework.models import Case, Team
from casework.services import post_staff_notice
from intelligence.journey import JOURNEY
from intelligence.models import (
    IntelligenceDraft,
    IntelligenceStatus,
    IntelligenceSubmission,
)
from intelligence.topics import BY_SLUG, RISK_WORDS

DRAFT_LIFETIME = timedelta(days=7)
MAX_ITEMS = 10
# No 0/O, 1/I/L: a passphrase is read from a screen and typed back later.
PASSPHRASE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # noqa: S105 - not a secret


class DraftNotFound(LookupError):
    pass


class IncompleteSubmission(ValueError):
    pass


class GradingError(Exception):
    pass


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_draft(*, now: datetime) -> tuple[IntelligenceDraft, str]:
    token = secrets.token_urlsafe(24)
    draft = IntelligenceDraft.objects.create(
        token_hash=token_hash(token),
        created_at=now,
        updated_at=now,
        expires_at=now + DRAFT_LIFETIME,
    )
    return draft, token


def draft_for_token(*, token: str, now: datetime) -> IntelligenceDraft:
    draft = IntelligenceDraft.objects.filter(
        token_hash=token_hash(token or ""), expires_at__gt=now
    ).first()
    if draft is None:
        raise DraftNotFound
    return draft


def _locked(draft_id, now: datetime) -> IntelligenceDraft:
    draft = (
        IntelligenceDraft.objects.select_for_update()
        .filter(pk=draft_id, expires_at__gt=now)
        .first()
    )
    if draft is None:
        raise DraftNotFound
    return draft


def _touch(draft: IntelligenceDraft, now: datetime) -> None:
    draft.updated_at = now
    draft.expires_at = now + DRAFT_LIFETIME
    draft.save(update_fields=["answers", "updated_at", "expires_at"])


@transaction.atomic
def save_answer(
    *, draft_id, slug: str, answer: dict, now: datetime
) -> IntelligenceDraft:
    draft = _locked(draft_id, now)
    draft.answers[slug] = answer
    _touch(draft, now)
    return draft


@transaction.atomic
def add_item(*, draft_id, slug: str, item: dict, now: datetime) -> IntelligenceDraft:
    draft = _locked(draft_id, now)
    items = draft.answers.setdefault(slug, {"items": []}).setdefault("items", [])
    if item not in items and len(items) < MAX_ITEMS:
        items.append(item)
        _touch(draft, now)
    return draft


@transaction.atomic
def remove_item(*, draft_id, slug: str, index: int, now: datetime) -> IntelligenceDraft:
    draft = _locked(draft_id, now)
    items = (draft.answers.get(slug) or {}).get("items", [])
    if 0 <= index < len(items):
        del items[index]
        _touch(draft, now)
    return draft


def new_passphrase() -> str:
    groups = [
        "".join(secrets.choice(PASSPHRASE_ALPHABET) for _ in range(4)) for _ in range(4)
    ]
    return "-".join(groups)


def normalise_passphrase(typed: str) -> str:
    compact = re.sub(r"[^A-Za-z0-9]", "", typed or "").upper()
    return "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _all_text(answers: dict) -> str:
    parts = []
    for page in answers.values():
        for item in page.get("items", [page]) if isinstance(page, dict) else []:
            parts.extend(str(value) for value in item.values())
    return " ".join(parts).casefold()


def immediate_review_reasons(answers: dict) -> list[str]:
    """Why information must be read at once: its topic, or words in it."""
    reasons = []
    topic = BY_SLUG.get((answers.get("about") or {}).get("topic", ""))
    if topic and topic.immediate_review:
        reasons.append(f"about {str(topic.label).lower()}")
    text = _all_text(answers)
    words = sorted({word for word in RISK_WORDS if re.search(rf"\b{word}\b", text)})
    if words:
        reasons.append("mentions " + ", ".join(words))
    return reasons


def submit_intelligence(
    *, draft_id, now: datetime
) -> tuple[IntelligenceSubmission, str | None]:
    """Turn a complete draft into a submission, once.

    Returns the passphrase only the first time: it is stored as a hash and
    can never be shown again.
    """
    with transaction.atomic():
        draft = (
            IntelligenceDraft.objects.select_for_update().filter(pk=draft_id).first()
        )
        if draft is None:
            raise DraftNotFound
        if draft.submission_id:
            return IntelligenceSubmission.objects.get(pk=draft.submission_id), None
        missing = JOURNEY.first_unanswered(draft.answers)
        if missing is not None:
            raise IncompleteSubmission(missing.slug)

        answers = JOURNEY.submitted_answers(draft.answers)
        topic = BY_SLUG[answers["about"]["topic"]]
        named = answers["identity"]["give_details"] == "yes"
        details = answers.get("your-details", {}) if named else {}
        reasons = immediate_review_reasons(answers)
        passphrase = new_passphrase()
        case = open_case(
            channel=Case.Channel.INTELLIGENCE,
            kind=topic.slug,
            kind_label=str(topic.label),
            summary=str(topic.label),
            postcode=(answers.get("where") or {}).get("postcode", ""),
            team=Team.objects.filter(name="Force Intelligence Bureau").first(),
            priority=Case.Priority.HIGH if reasons else Case.Priority.STANDARD,
            priority_reasons=reasons,
            contact_email=details.get("email", ""),
            is_sensitive=True,
            now=now,
        )
        case.access_passphrase_hash = make_password(passphrase)
        case.save(update_fields=["access_passphrase_hash"])
        submission = IntelligenceSubmission.objects.create(
            case=case,
            topic=topic.slug,
            answers=answers,
            how_known=answers["how-known"]["how_known"],
            anonymous=not named,
            informant_name=details.get("full_name", ""),
            informant_email=details.get("email", ""),
            informant_phone=details.get("phone", ""),
            safe_to_contact=" ".join(
                filter(None, [details.get("safe", ""), details.get("safe_times", "")])
            ),
            immediate_review=bool(reasons),
            immediate_review_reasons=reasons,
            submitted_at=now,
        )
        draft.submission = submission
        draft.answers = {}
        draft.save(update_fields=["submission", "answers"])
        if reasons:
            post_staff_notice(
                text=f"Intelligence {case.reference} flagged for immediate review",
                level="urgent",
                link=reverse(
                    "admin:intelligence_intelligencesubmission_change",
                    args=[submission.pk],
                ),
            )
        if details.get("email"):
            queue_email(
                key=f"intelligence-received:{case.reference}",
                to=details["email"],
                subject=_("Thank you for your information"),
                body=_(
                    "Thank you for telling Hertfordshire Police about this. Your "
                    "reference is %(reference)s.\n\nIn an emergency, call 999."
                )
                % {"reference": case.reference},
                case=case,
                now=now,
            )
    return submission, passphrase


def purge_expired_drafts(*, now: datetime) -> int:
    expired = IntelligenceDraft.objects.filter(expires_at__lte=now)
    submitted = IntelligenceDraft.objects.filter(
        submission__isnull=False, updated_at__lte=now - timedelta(hours=1)
    )
    return expired.delete()[0] + submitted.delete()[0]


# --- Staff ---------------------------------------------------------------

TRANSITIONS = {
    IntelligenceStatus.NEW: {
        IntelligenceStatus.ASSESSING,
        IntelligenceStatus.NO_FURTHER_ACTION,
    },
    IntelligenceStatus.ASSESSING: {
        IntelligenceStatus.DEVELOPED,
        IntelligenceStatus.DISSEMINATED,
        IntelligenceStatus.NO_FURTHER_ACTION,
    },
    IntelligenceStatus.DEVELOPED: {
        IntelligenceStatus.DISSEMINATED,
        IntelligenceStatus.NO_FURTHER_ACTION,
    },
    IntelligenceStatus.DISSEMINATED: set(),
    IntelligenceStatus.NO_FURTHER_ACTION: {IntelligenceStatus.ASSESSING},
}


def check_can_grade(user) -> None:
    if not (user.is_active and user.has_perm("intelligence.grade_intelligence")):
        raise GradingError(_("Only intelligence officers can grade intelligence."))


@transaction.atomic
def grade(
    *,
    submission_id: int,
    by,
    source_evaluation: str,
    intelligence_assessment: str,
    handling_code: str,
    handling_conditions: str,
    sanitised_text: str,
    now: datetime,
) -> IntelligenceSubmission:
    """Record the 3x5x2 grading. Conditions are required for handling code C."""
    check_can_grade(by)
    submission = IntelligenceSubmission.objects.select_for_update().get(
        pk=submission_id
    )
    if handling_code == "C" and not handling_conditions.strip():
        raise GradingError(_("Give the conditions for handling code C."))
    if not sanitised_text.strip():
        raise GradingError(_("Write the sanitised text that can be shared."))
    submission.source_evaluation = source_evaluation
    submission.intelligence_assessment = intelligence_assessment
    submission.handling_code = handling_code
    submission.handling_conditions = handling_conditions.strip()
    submission.sanitised_text = sanitised_text.strip()
    submission.graded_by = by
    submission.graded_at = now
    if submission.status == IntelligenceStatus.NEW:
        submission.status = IntelligenceStatus.ASSESSING
    submission.save()
    return submission


@transaction.atomic
def change_status(
    *, submission_id: int, to: str, by, now: datetime, team: Team | None = None
) -> IntelligenceSubmission:
    check_can_grade(by)
    submission = IntelligenceSubmission.objects.select_for_update().get(
        pk=submission_id
    )
    if to not in TRANSITIONS[submission.status]:
        raise GradingError(
            _("Intelligence that is %(now)s cannot become %(to)s.")
            % {
                "now": submission.get_status_display().lower(),
                "to": IntelligenceStatus(to).label.lower(),
            }
        )
    if to == IntelligenceStatus.DISSEMINATED:
        if team is None:
            raise GradingError(_("Choose the team it is disseminated to."))
        if not submission.source_evaluation:
            raise GradingError(_("Grade it before disseminating it."))
        submission.disseminated_to = team
    submission.status = to
    submission.save(update_fields=["status", "disseminated_to"])
    return submission
