"""Actions of "Tell us about something": drafts, files and the submit.
Grading and dissemination by staff: intelligence.grading.

Nothing here is ever given the request: no address, browser detail or cookie
can reach the database, a log line or a task from this module.
"""

import dataclasses
import hashlib
import re
import secrets
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from casework.attachments import (
    Attachment,
    add_to_draft,
    attachments_of_draft,
    delete_for_drafts,
    files_answer,
    give_neutral_names,
    move_to_case,
    remove_from_draft,
)
from casework.cases import open_case, queue_email
from casework.models import Case, Team
from casework.services import post_staff_notice
from casework.uploads import EVIDENCE, PHOTOS_ONLY, UploadRules
from intelligence.journey import JOURNEY, gives_details
from intelligence.models import (
    IntelligenceDraft,
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


class FilesNotAllowedAnonymously(ValueError):
    """Someone who now stays anonymous has files only a named sender may send
    (they gave their details when they uploaded them)."""

    def __init__(self, names: list[str]):
        super().__init__(", ".join(names))
        self.names = names


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


# --- Photos and files -------------------------------------------------------

FILES_SLUG = "files"


# What a crime report takes, but photos lose their colour profile (it can
# hold text) here too: someone who gave their details may still choose to
# stay anonymous before sending, and their photos must then be as clean as
# if they had been anonymous from the start.
NAMED_SENDER = dataclasses.replace(EVIDENCE, keep_colour_profile=False)


def upload_rules(answers: dict) -> UploadRules:
    """Photos only, nameless and with nothing but their pixels, unless they
    give their details: then what a crime report takes."""
    return NAMED_SENDER if gives_details(answers) else PHOTOS_ONLY


def _record_files(draft: IntelligenceDraft, now: datetime) -> None:
    """The caller holds the draft's row lock."""
    if not gives_details(draft.answers):
        give_neutral_names(draft.pk)
    draft.answers[FILES_SLUG] = files_answer(draft.pk)
    _touch(draft, now)


def add_file(*, draft_id, upload, now: datetime) -> Attachment:
    """Check one uploaded file under the rules for the sender (anonymous or
    not) and keep it with the draft; UploadRejected says why not."""
    draft = IntelligenceDraft.objects.filter(pk=draft_id).first()
    if draft is None:
        raise DraftNotFound

    def lock_open_draft() -> IntelligenceDraft:
        locked = _locked(draft_id, now)
        if locked.submission_id or gives_details(locked.answers) != gives_details(
            draft.answers
        ):
            # Sent, or their answer changed in another tab, since the checks
            # ran under the old rules: the page works out what to do.
            raise DraftNotFound
        return locked

    return add_to_draft(
        upload=upload,
        draft_key=draft.pk,
        lock_draft=lock_open_draft,
        then=lambda locked: _record_files(locked, now),
        now=now,
        rules=upload_rules(draft.answers),
    )


@transaction.atomic
def remove_file(*, draft_id, attachment_id: str, now: datetime) -> IntelligenceDraft:
    draft = _locked(draft_id, now)
    remove_from_draft(draft_key=draft.pk, attachment_id=attachment_id)
    _record_files(draft, now)
    return draft


@transaction.atomic
def save_files_answer(*, draft_id, now: datetime) -> IntelligenceDraft:
    """Mark the upload page answered (it is optional: no files is an answer)."""
    draft = _locked(draft_id, now)
    _record_files(draft, now)
    return draft


def files_of(draft: IntelligenceDraft) -> list[Attachment]:
    return list(attachments_of_draft(draft.pk))


def files_not_allowed(draft: IntelligenceDraft) -> list[str]:
    """Names of the draft's files that cannot be sent as its answers stand:
    videos and documents, once the sender has chosen to stay anonymous."""
    rules = upload_rules(draft.answers)
    return [
        attachment.original_name
        for attachment in attachments_of_draft(draft.pk)
        if rules.kind_for(attachment.content_type) is None
    ]


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
        # Checked again here, whatever the pages said: the answer to "give
        # your details?" may have changed since the files were uploaded.
        if refused := files_not_allowed(draft):
            raise FilesNotAllowedAnonymously(refused)
        # Renames them (if anonymous) and brings the list in the answers up
        # to date, so the names kept are the ones staff will see.
        _record_files(draft, now)

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
        move_to_case(draft_key=draft.pk, case=case)
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


@transaction.atomic
def purge_expired_drafts(*, now: datetime) -> int:
    """Delete drafts past their 7 days, with their files, and sent drafts
    after an hour (their files belong to the case by then)."""
    expired = IntelligenceDraft.objects.filter(expires_at__lte=now)
    delete_for_drafts(expired.values("pk"))
    submitted = IntelligenceDraft.objects.filter(
        submission__isnull=False, updated_at__lte=now - timedelta(hours=1)
    )
    return expired.delete()[0] + submitted.delete()[0]
