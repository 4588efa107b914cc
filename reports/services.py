"""Actions of the report journey: drafts, answers, and the one submit."""

import hashlib
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from casework.attachments import (
    Attachment,
    add_to_draft,
    attachments_of_draft,
    delete_for_drafts,
    files_answer,
    move_to_case,
    remove_from_draft,
)
from casework.cases import open_case, queue_email
from casework.models import Case, Team
from casework.reference_data import neighbourhood_team_of, team_named
from casework.services import district_for_postcode, post_staff_notice
from reports import journey
from reports.kinds import BY_SLUG, CrimeKind, kind_of
from reports.models import Report, ReportDraft

DRAFT_LIFETIME = timedelta(days=30)
MAX_COLLECTION_ITEMS = 10


class DraftNotFound(LookupError):
    pass


class IncompleteReport(ValueError):
    """Some page that applies has not been answered yet."""


def start_draft(*, now: datetime) -> ReportDraft:
    return ReportDraft.objects.create(
        created_at=now, updated_at=now, expires_at=now + DRAFT_LIFETIME
    )


def open_draft(*, draft_id, now: datetime) -> ReportDraft:
    draft = ReportDraft.objects.filter(pk=draft_id, expires_at__gt=now).first()
    if draft is None:
        raise DraftNotFound(draft_id)
    return draft


def _locked_draft(draft_id, now: datetime) -> ReportDraft:
    draft = (
        ReportDraft.objects.select_for_update()
        .filter(pk=draft_id, expires_at__gt=now)
        .first()
    )
    if draft is None:
        raise DraftNotFound(draft_id)
    return draft


def _touch(draft: ReportDraft, now: datetime) -> None:
    draft.updated_at = now
    draft.expires_at = now + DRAFT_LIFETIME
    draft.save(update_fields=["answers", "updated_at", "expires_at"])


@transaction.atomic
def save_answer(*, draft_id, slug: str, answer: dict, now: datetime) -> ReportDraft:
    """Store one page's answer. Other pages' answers are left as they are.

    Locks the draft row, so two tabs saving different pages both keep theirs.
    """
    draft = _locked_draft(draft_id, now)
    draft.answers[slug] = answer
    _touch(draft, now)
    return draft


@transaction.atomic
def add_item(*, draft_id, slug: str, item: dict, now: datetime) -> ReportDraft:
    draft = _locked_draft(draft_id, now)
    items = draft.answers.setdefault(slug, {"items": []}).setdefault("items", [])
    if item in items:
        # The same item posted twice (a double click, a refresh) is one item.
        return draft
    if len(items) >= MAX_COLLECTION_ITEMS:
        raise ValueError("too many items")
    items.append(item)
    _touch(draft, now)
    return draft


@transaction.atomic
def remove_item(*, draft_id, slug: str, index: int, now: datetime) -> ReportDraft:
    draft = _locked_draft(draft_id, now)
    items = (draft.answers.get(slug) or {}).get("items", [])
    if 0 <= index < len(items):
        del items[index]
        _touch(draft, now)
    return draft


# --- Evidence files ---------------------------------------------------------

FILES_SLUG = "files"


def add_evidence(*, draft_id, upload, now: datetime) -> Attachment:
    """Check one uploaded file and keep it with the draft (see
    casework.attachments.add_to_draft); UploadRejected says why not."""

    def lock_open_draft() -> ReportDraft:
        draft = _locked_draft(draft_id, now)
        if draft.report_id:
            raise DraftNotFound(draft_id)
        return draft

    def record(draft: ReportDraft) -> None:
        draft.answers[FILES_SLUG] = files_answer(draft.pk)
        _touch(draft, now)

    return add_to_draft(
        upload=upload,
        draft_key=draft_id,
        lock_draft=lock_open_draft,
        then=record,
        now=now,
    )


@transaction.atomic
def remove_evidence(*, draft_id, attachment_id: str, now: datetime) -> ReportDraft:
    draft = _locked_draft(draft_id, now)
    remove_from_draft(draft_key=draft.pk, attachment_id=attachment_id)
    draft.answers[FILES_SLUG] = files_answer(draft.pk)
    _touch(draft, now)
    return draft


@transaction.atomic
def save_files_answer(*, draft_id, now: datetime) -> ReportDraft:
    """Mark the files page answered (it is optional: no files is an answer)."""
    draft = _locked_draft(draft_id, now)
    draft.answers[FILES_SLUG] = files_answer(draft.pk)
    _touch(draft, now)
    return draft


def evidence_of(draft: ReportDraft) -> list[Attachment]:
    return list(attachments_of_draft(draft.pk))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_resume_token(*, draft_id, now: datetime) -> str:
    """A new resume token for the draft; any earlier one stops working."""
    draft = _locked_draft(draft_id, now)
    token = secrets.token_urlsafe(32)
    draft.resume_token_hash = _token_hash(token)
    draft.save(update_fields=["resume_token_hash"])
    return token


def draft_for_resume_token(*, token: str, now: datetime) -> ReportDraft:
    draft = ReportDraft.objects.filter(
        resume_token_hash=_token_hash(token or ""),
        expires_at__gt=now,
        report__isnull=True,
    ).first()
    if draft is None or not token:
        raise DraftNotFound("resume token")
    return draft


def email_resume_link(*, draft_id, to: str, link: str, now: datetime) -> None:
    queue_email(
        key=f"resume:{draft_id}:{now.isoformat()}",
        to=to,
        subject=_("Your saved crime report"),
        body=_(
            "You saved a crime report on the Hertfordshire Police website.\n\n"
            "To carry on, open this link:\n%(link)s\n\n"
            "The link works for 30 days. Anyone with the link can see your "
            "answers, so do not share it.\n\n"
            "In an emergency, call 999."
        )
        % {"link": link},
        now=now,
    )


# --- Submitting -------------------------------------------------------------


def initial_priority(answers: dict) -> tuple[int, list[str]]:
    """The priority a report starts with, and why. Each concern raises it."""
    reasons = []
    kind = kind_of(answers)
    if kind and kind.slug == "hate":
        reasons.append("hate crime or incident")
    if journey.answer(answers, "repeat", "repeat") == "yes":
        reasons.append("repeat victim")
    if journey.answer(answers, "vulnerability", "vulnerable") == "yes":
        reasons.append("the victim may be vulnerable")
    priority = max(Case.Priority.STANDARD - len(reasons), Case.Priority.URGENT)
    return int(priority), reasons


def team_for(kind: CrimeKind, postcode: str) -> Team | None:
    if kind.team == "Safer Neighbourhood Team":
        district = district_for_postcode(postcode)
        if district:
            return neighbourhood_team_of(district)
        return team_named("Crime Management Unit")
    return team_named(kind.team)


def _occurred(answers: dict) -> tuple[date | None, date | None, str]:
    when = journey.answer(answers, "when", "when")
    if when == "on":
        day = date.fromisoformat(journey.answer(answers, "when-date", "date"))
        return day, day, journey.answer(answers, "when-date", "time") or ""
    if when == "between":
        return (
            date.fromisoformat(journey.answer(answers, "when-between", "date_from")),
            date.fromisoformat(journey.answer(answers, "when-between", "date_to")),
            "",
        )
    return None, None, ""


def submit_report(*, draft_id, now: datetime) -> Report:
    """Turn a complete draft into a report, once, however often it is called.

    In one transaction: the case (reference, routing, priority), the report,
    and the acknowledgement email in the outbox. The draft row is locked, so
    a double click waits for the first submit and then finds its report.
    """
    with transaction.atomic():
        draft = ReportDraft.objects.select_for_update().filter(pk=draft_id).first()
        if draft is None:
            raise DraftNotFound(draft_id)
        if draft.report_id is not None:
            # Read the report in a statement of its own: a submit that waited
            # for the lock sees the draft row as the first submit left it,
            # but a join in the locking query would still miss the report.
            return Report.objects.select_related("case").get(pk=draft.report_id)
        if draft.expires_at <= now:
            raise DraftNotFound(draft_id)
        missing = journey.first_unanswered(draft.answers)
        if missing is not None:
            raise IncompleteReport(missing.slug)

        answers = journey.submitted_answers(draft.answers)
        kind = BY_SLUG[answers["kind"]["kind"]]
        where = answers["where"]
        details = answers["your-details"]
        priority, reasons = initial_priority(answers)
        occurred_from, occurred_to, occurred_time = _occurred(answers)
        case = open_case(
            channel=Case.Channel.REPORT,
            kind=kind.slug,
            kind_label=str(kind.label),
            summary=answers["what-happened"]["description"][:200],
            postcode=where.get("postcode", ""),
            team=team_for(kind, where.get("postcode", "")),
            priority=priority,
            priority_reasons=reasons,
            contact_email=details["email"],
            is_sensitive=kind.sensitive,
            now=now,
        )
        report = Report.objects.create(
            case=case,
            kind=kind.slug,
            answers=answers,
            occurred_from=occurred_from,
            occurred_to=occurred_to,
            occurred_time=occurred_time,
            place=where["place"],
            postcode=where.get("postcode", ""),
            description=answers["what-happened"]["description"],
            reporter_role=answers["role"]["role"],
            reporter_name=details["full_name"],
            reporter_email=details["email"],
            reporter_phone=details.get("phone", ""),
            victim_name=(answers.get("victim") or {}).get("victim_name", ""),
            submitted_at=now,
        )
        if draft.answers.get(FILES_SLUG, {}).get("files"):
            move_to_case(draft_key=draft.pk, case=case)
        draft.report = report
        draft.answers = {}
        draft.resume_token_hash = ""
        draft.save(update_fields=["report", "answers", "resume_token_hash"])
        queue_email(
            key=f"report-received:{case.reference}",
            to=details["email"],
            subject=_("We have your report: %(reference)s")
            % {"reference": case.reference},
            body=acknowledgement_text(case),
            case=case,
            now=now,
            new_key=True,
        )
        if priority <= Case.Priority.HIGH:
            post_staff_notice(
                text=f"{case.get_priority_display()} priority report "
                f"{case.reference}: {case.kind_label}",
                level="urgent",
                link=reverse("admin:casework_case_change", args=[case.pk]),
            )
    return report


def acknowledgement_text(case: Case) -> str:
    # No details of the crime: an email can be read by someone else.
    return _(
        "Thank you for reporting a crime to Hertfordshire Police.\n\n"
        "Your reference number is %(reference)s\n\n"
        "What happens next\n"
        "We will look at your report and contact you within 48 hours. We may "
        "call you from a withheld number.\n\n"
        "You can see what has happened to your report, or add more "
        "information, at %(track_url)s with your reference number and this "
        "email address.\n\n"
        "If you are in danger, or the crime is happening again, call 999.\n"
        "For anything else, call 101 and give your reference number."
    ) % {"reference": case.reference, "track_url": f"{settings.SITE_URL}/track/"}


@transaction.atomic
def purge_expired_drafts(*, now: datetime) -> int:
    """Delete drafts past their 30 days, with their files, and submitted drafts
    after a day (their files belong to the case by then)."""
    expired = ReportDraft.objects.filter(expires_at__lte=now, report__isnull=True)
    delete_for_drafts(expired.values("pk"))
    submitted = ReportDraft.objects.filter(
        report__isnull=False, updated_at__lte=now - timedelta(days=1)
    )
    count = expired.delete()[0] + submitted.delete()[0]
    return count
