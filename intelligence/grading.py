"""What intelligence officers do with a submission: grade it (3x5x2), move it
through its statuses, and disseminate its sanitised text to a team.

Permission checks live here as well as in admin: only intelligence officers
(intelligence.grade_intelligence) may do any of it.
"""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from casework import audit, workflow
from casework.models import Team
from intelligence.models import IntelligenceStatus, IntelligenceSubmission


class GradingError(Exception):
    pass


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
    if to == IntelligenceStatus.DISSEMINATED:
        # One way to disseminate, with its own checks and audit entry.
        return disseminate(submission_id=submission_id, team=team, by=by, now=now)
    check_can_grade(by)
    submission = IntelligenceSubmission.objects.select_for_update().get(
        pk=submission_id
    )
    _check_transition(submission, to)
    submission.status = to
    submission.save(update_fields=["status"])
    return submission


def _check_transition(submission: IntelligenceSubmission, to: str) -> None:
    if to not in TRANSITIONS[submission.status]:
        raise GradingError(
            _("Intelligence that is %(now)s cannot become %(to)s.")
            % {
                "now": submission.get_status_display().lower(),
                "to": IntelligenceStatus(to).label.lower(),
            }
        )


def is_graded(submission: IntelligenceSubmission) -> bool:
    return bool(
        submission.source_evaluation
        and submission.intelligence_assessment
        and submission.handling_code
    )


def check_can_disseminate(*, submission: IntelligenceSubmission, by) -> None:
    """Raise GradingError, with what to do, unless `by` may share `submission`
    now: only graded intelligence, and only its sanitised text, ever leaves
    the intelligence bureau."""
    check_can_grade(by)
    if not is_graded(submission):
        raise GradingError(_("Grade it before disseminating it."))
    if not submission.sanitised_text.strip():
        raise GradingError(
            _("Write the sanitised text that can be shared before disseminating it.")
        )
    _check_transition(submission, IntelligenceStatus.DISSEMINATED)


@transaction.atomic
def disseminate(
    *, submission_id: int, team: Team | None, by, now: datetime, reason: str = ""
) -> IntelligenceSubmission:
    """Share a graded submission's sanitised text with a team, once.

    Check, then do: the submission's row is locked before the checks, so two
    officers disseminating at once cannot both succeed. Records the team,
    an audit entry (who, when, to whom, under which grading, with the
    `reason` they gave to open the record) and a note on the case's timeline.
    """
    submission = (
        IntelligenceSubmission.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=submission_id)
    )
    check_can_disseminate(submission=submission, by=by)
    if team is None:
        raise GradingError(_("Choose the team it is disseminated to."))
    submission.status = IntelligenceStatus.DISSEMINATED
    submission.disseminated_to = team
    submission.save(update_fields=["status", "disseminated_to"])
    grading = (
        f"{submission.source_evaluation}{submission.intelligence_assessment}"
        f"{submission.handling_code}"
    )
    audit.record(
        user=by,
        action=audit.AuditEntry.Action.CHANGE,
        object_type=audit.object_type_of(submission),
        object_id=submission.pk,
        reference=submission.case.reference,
        reason=reason,
        detail=f"Disseminated to {team.name} (graded {grading})",
        now=now,
    )
    workflow.add_note(
        case_id=submission.case_id,
        text=_("Sanitised intelligence (%(grading)s) disseminated to %(team)s.")
        % {"grading": grading, "team": team.name},
        by=by,
        now=now,
    )
    return submission
