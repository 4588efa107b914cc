"""What staff do to a case: the status workflow, assignment, notes, updates.

Every action here checks, then does: it locks the case row, checks the
action is allowed in the case's state and by this person, then writes the
change and its timeline entry. Views, admin actions and tasks call these and
nothing else changes a case.

Who may act (`check_can_act`): active staff with ``casework.change_case``
on a case their role sees (casework.access: control room agents and
supervisors every report and chat, intelligence officers intelligence only,
investigators their own team's cases); assigning cases to others also needs
``casework.assign_case`` (supervisors, intelligence officers). Admin checks
the same before showing a page; this check is what holds for any other
caller (a management command, the chat console), and it is made on the
locked row, so a case moved to another team meanwhile is refused.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from casework.access import may_see, visible_cases
from casework.cases import queue_email
from casework.models import Case, CaseEvent, Team
from casework.thrive import FACTORS, Grade, ThriveAssessment, priority_from

Status = Case.Status

# Which status can follow which. Closing needs an outcome; a closed case can
# be reopened (into progress) when something new comes in.
TRANSITIONS: dict[str, set[str]] = {
    Status.RECEIVED: {Status.TRIAGED, Status.ASSIGNED, Status.CLOSED},
    Status.TRIAGED: {Status.ASSIGNED, Status.IN_PROGRESS, Status.CLOSED},
    Status.ASSIGNED: {
        Status.TRIAGED,
        Status.IN_PROGRESS,
        Status.AWAITING_INFORMATION,
        Status.CLOSED,
    },
    Status.IN_PROGRESS: {Status.ASSIGNED, Status.AWAITING_INFORMATION, Status.CLOSED},
    Status.AWAITING_INFORMATION: {Status.IN_PROGRESS, Status.CLOSED},
    Status.CLOSED: {Status.IN_PROGRESS},
}


class WorkflowError(Exception):
    """An action the case's state or the person's role does not allow."""


class IllegalTransition(WorkflowError):
    pass


class AlreadyTaken(WorkflowError):
    def __init__(self, case: Case):
        who = case.assigned_to.get_full_name() or case.assigned_to.get_username()
        super().__init__(
            _("%(reference)s was taken by %(who)s a moment ago.")
            % {"reference": case.reference, "who": who}
        )
        self.case = case


class NotAllowed(WorkflowError, PermissionDenied):
    """This person's role may not do this (to this case). A WorkflowError, so
    admin shows it as a message; a PermissionDenied, so any view that lets it
    through answers 403."""


WORK_ON_CASES = "casework.change_case"
ASSIGN_CASES = "casework.assign_case"


def check_can_act(by, case: Case, *, permission: str = WORK_ON_CASES) -> None:
    """Refuse anyone whose role may not do this to `case`. Call with the row
    locked, so the team and channel checked are the ones written."""
    if by is None or not (by.is_active and by.is_staff):
        raise NotAllowed(_("Only staff can work on cases."))
    if not by.has_perm(WORK_ON_CASES):
        raise NotAllowed(_("Your role does not work on cases."))
    if permission == ASSIGN_CASES and not by.has_perm(ASSIGN_CASES):
        raise NotAllowed(
            _("Only supervisors and intelligence officers can assign cases.")
        )
    if not may_see(by, case):
        raise NotAllowed(
            _("%(reference)s is not one of the cases your role works on.")
            % {"reference": case.reference}
        )


def _locked(case_id: int, by, *, permission: str = WORK_ON_CASES) -> Case:
    case = Case.objects.select_for_update(of=("self",)).get(pk=case_id)
    check_can_act(by, case, permission=permission)
    return case


def _event(case: Case, kind: str, text: str, by, now: datetime, *, public=False):
    return CaseEvent.objects.create(
        case=case, kind=kind, text=text, author=by, is_public=public, created_at=now
    )


def _reviewed(case: Case, now: datetime) -> list[str]:
    if case.first_reviewed_at is None:
        case.first_reviewed_at = now
        return ["first_reviewed_at"]
    return []


def check_transition(case: Case, to: str) -> None:
    if to not in TRANSITIONS.get(case.status, set()):
        raise IllegalTransition(
            _("A case that is %(current)s cannot be moved to %(new)s.")
            % {
                "current": case.get_status_display().lower(),
                "new": Status(to).label.lower(),
            }
        )


@transaction.atomic
def change_status(*, case_id: int, to: str, by, now: datetime) -> Case:
    """Move a case along the workflow. Closing goes through `close_case`."""
    if to == Status.CLOSED:
        raise IllegalTransition(_("Close a case with its outcome and a reason."))
    case = _locked(case_id, by)
    check_transition(case, to)
    before = case.get_status_display()
    case.status = to
    fields = ["status", *_reviewed(case, now)]
    if to == Status.IN_PROGRESS and case.closed_at:
        case.closed_at = None
        case.outcome = ""
        fields += ["closed_at", "outcome"]
    case.save(update_fields=fields)
    _event(
        case, CaseEvent.Kind.STATUS, f"{before} → {case.get_status_display()}", by, now
    )
    return case


@transaction.atomic
def close_case(
    *,
    case_id: int,
    outcome: str,
    reason: str,
    by,
    now: datetime,
    crime_number: str = "",
    duplicate_of: str = "",
) -> Case:
    """Close with an outcome and a reason the reporter will read."""
    case = _locked(case_id, by)
    check_transition(case, Status.CLOSED)
    if outcome not in Case.Outcome.values:
        raise WorkflowError(_("Choose the outcome."))
    if not reason.strip():
        raise WorkflowError(_("Give the reason the reporter will see."))
    original = None
    if outcome == Case.Outcome.CRIME_RECORDED and not crime_number.strip():
        raise WorkflowError(_("Enter the crime number."))
    if outcome == Case.Outcome.DUPLICATE:
        # Only a case this person may see: the answer says nothing of others.
        original = visible_cases(
            by, Case.objects.filter(reference=duplicate_of.strip().upper())
        ).first()
        if original is None or original.pk == case.pk:
            raise WorkflowError(_("Enter the reference of the case this duplicates."))
    case.status = Status.CLOSED
    case.outcome = outcome
    case.crime_number = crime_number.strip()
    case.duplicate_of = original
    case.closing_reason = reason.strip()
    case.closed_at = now
    case.needs_attention = False
    case.save(
        update_fields=[
            "status",
            "outcome",
            "crime_number",
            "duplicate_of",
            "closing_reason",
            "closed_at",
            "needs_attention",
            *_reviewed(case, now),
        ]
    )
    _event(
        case, CaseEvent.Kind.STATUS, f"Closed: {case.get_outcome_display()}", by, now
    )
    _tell_reporter(
        case,
        _("Your report has been closed. %(reason)s") % {"reason": case.closing_reason},
        by,
        now,
    )
    return case


@transaction.atomic
def take_case(*, case_id: int, by, now: datetime) -> Case:
    """Assign an unassigned case to oneself. Two people at once: one wins."""
    case = _locked(case_id, by)
    if case.assigned_to_id and case.assigned_to_id != by.pk:
        raise AlreadyTaken(case)
    return _assign(case, to_user=by, to_team=None, by=by, now=now)


@transaction.atomic
def assign(
    *, case_ids: list[int], by, now: datetime, to_user=None, to_team: Team | None = None
) -> list[Case]:
    """Assign cases (one or many) to a person, a team, or both.

    Rows are locked in id order, so two bulk assignments cannot deadlock.
    """
    if to_user is None and to_team is None:
        raise WorkflowError(_("Choose a person or a team."))
    cases = list(
        Case.objects.select_for_update(of=("self",))
        .filter(pk__in=case_ids)
        .order_by("pk")
    )
    for case in cases:
        check_can_act(by, case, permission=ASSIGN_CASES)
    return [_assign(c, to_user=to_user, to_team=to_team, by=by, now=now) for c in cases]


def _assign(case: Case, *, to_user, to_team, by, now: datetime) -> Case:
    if case.status == Status.CLOSED:
        raise IllegalTransition(
            _("%(reference)s is closed.") % {"reference": case.reference}
        )
    fields = [*_reviewed(case, now)]
    said = []
    if to_team is not None and to_team.pk != case.team_id:
        case.team = to_team
        fields.append("team")
        said.append(_("team %(team)s") % {"team": to_team})
    if to_user is not None and to_user.pk != case.assigned_to_id:
        case.assigned_to = to_user
        fields.append("assigned_to")
        said.append(to_user.get_full_name() or to_user.get_username())
    if case.status in {Status.RECEIVED, Status.TRIAGED} and case.assigned_to_id:
        case.status = Status.ASSIGNED
        fields.append("status")
    if fields:
        case.save(update_fields=fields)
    if to_user is not None:
        _check_assignee(to_user, case)
    if said:
        _event(
            case, CaseEvent.Kind.ASSIGNED, _("Assigned to ") + ", ".join(said), by, now
        )
    return case


def _check_assignee(user, case: Case) -> None:
    """The person given the case must be able to open it, with its new team
    (an investigator sees only their own team's cases). Raising rolls the
    assignment back."""
    try:
        check_can_act(user, case)
    except NotAllowed:
        raise NotAllowed(
            _("%(who)s cannot work on %(reference)s: choose someone whose role does.")
            % {
                "who": user.get_full_name() or user.get_username(),
                "reference": case.reference,
            }
        ) from None


@transaction.atomic
def assess(
    *, case_id: int, grades: dict[str, int], notes: dict[str, str], by, now: datetime
) -> ThriveAssessment:
    """Record a THRIVE assessment; it sets the case's priority."""
    case = _locked(case_id, by)
    missing = [name for name, _label in FACTORS if grades.get(name) not in (1, 2, 3)]
    if missing:
        raise WorkflowError(_("Grade every part of THRIVE."))
    priority = priority_from(grades)
    assessment = ThriveAssessment.objects.create(
        case=case,
        priority=priority,
        assessed_by=by,
        assessed_at=now,
        **{name: grades[name] for name, _label in FACTORS},
        **{f"{name}_note": notes.get(name, "").strip() for name, _label in FACTORS},
    )
    fields = _reviewed(case, now)
    if priority != case.priority:
        before = case.get_priority_display()
        case.priority = priority
        fields.append("priority")
        _event(
            case,
            CaseEvent.Kind.PRIORITY,
            f"{before} → {case.get_priority_display()} (THRIVE)",
            by,
            now,
        )
    if case.status == Status.RECEIVED:
        case.status = Status.TRIAGED
        fields.append("status")
    if fields:
        case.save(update_fields=fields)
    summary = ", ".join(
        f"{label}: {Grade(grades[name]).label}" for name, label in FACTORS
    )
    _event(case, CaseEvent.Kind.ASSESSED, summary, by, now)
    return assessment


@transaction.atomic
def add_note(*, case_id: int, text: str, by, now: datetime) -> CaseEvent:
    """An internal note: staff only, never shown to the reporter."""
    if not text.strip():
        raise WorkflowError(_("Write the note."))
    case = _locked(case_id, by)
    return _event(case, CaseEvent.Kind.NOTE, text.strip(), by, now)


@transaction.atomic
def send_public_update(*, case_id: int, text: str, by, now: datetime) -> CaseEvent:
    """An update the reporter reads on the track page, and by email if we can."""
    if not text.strip():
        raise WorkflowError(_("Write the update."))
    case = _locked(case_id, by)
    return _tell_reporter(case, text.strip(), by, now)


def _tell_reporter(case: Case, text: str, by, now: datetime) -> CaseEvent:
    event = _event(case, CaseEvent.Kind.PUBLIC_UPDATE, text, by, now, public=True)
    if case.contact_email:
        queue_email(
            key=f"update:{event.pk}",
            to=case.contact_email,
            subject=_("An update on your report %(reference)s")
            % {"reference": case.reference},
            body=_(
                "There is an update on your report %(reference)s:\n\n%(text)s\n\n"
                "You can see every update, and reply, at %(track_url)s\n\n"
                "In an emergency, call 999."
            )
            % {
                "reference": case.reference,
                "text": text,
                "track_url": f"{settings.SITE_URL}/track/",
            },
            case=case,
            now=now,
        )
    return event


REPEAT_WINDOW = timedelta(minutes=10)


@transaction.atomic
def add_reporter_information(*, case_id: int, text: str, now: datetime) -> CaseEvent:
    """The reporter adds something on the track page: staff are flagged.

    The same words sent again within ten minutes (a double click, a form
    sent twice) are the same addition, not a second one.
    """
    case = Case.objects.select_for_update(of=("self",)).get(pk=case_id)
    repeat = case.events.filter(
        kind=CaseEvent.Kind.INFORMATION_ADDED,
        text=text.strip(),
        created_at__gte=now - REPEAT_WINDOW,
    ).first()
    if repeat is not None:
        return repeat
    case.needs_attention = True
    case.save(update_fields=["needs_attention"])
    return _event(
        case, CaseEvent.Kind.INFORMATION_ADDED, text.strip(), None, now, public=True
    )


@transaction.atomic
def mark_seen(*, case_id: int, by, now: datetime) -> None:
    _locked(case_id, by)
    Case.objects.filter(pk=case_id, needs_attention=True).update(needs_attention=False)


def alert_overdue(*, now: datetime) -> int:
    """Tell supervisors, once per case, about cases past their review time."""
    from casework.selectors import overdue
    from casework.services import post_staff_notice

    with transaction.atomic():
        cases = list(
            overdue(now)
            .filter(overdue_alerted_at__isnull=True)
            .select_for_update(skip_locked=True)
            .order_by("priority", "received_at")[:200]
        )
        if not cases:
            return 0
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(overdue_alerted_at=now)
        references = ", ".join(c.reference for c in cases[:5])
        more = len(cases) - 5
        post_staff_notice(
            text=_("%(count)s overdue for first review: %(refs)s%(more)s")
            % {
                "count": len(cases),
                "refs": references,
                "more": _(" and %(n)s more") % {"n": more} if more > 0 else "",
            },
            level="urgent",
            link="/admin/casework/case/?overdue=yes",
        )
    return len(cases)
