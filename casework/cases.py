"""Opening cases and writing emails to the public: what every channel shares."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F

from casework.models import Case, CaseEvent, OutboundEmail, ReferenceCounter, Team
from casework.references import PREFIXES, format_reference
from casework.services import district_for_postcode, outward_code_of


def sequence_name(prefix: str) -> str:
    return f"casework_reference_{prefix.lower()}"


def next_reference_number(prefix: str) -> int:
    """The next number for a prefix; unique however many submit at once.

    On PostgreSQL a sequence (no lock held until commit, so concurrent
    submissions do not queue behind each other; a rolled-back submission
    leaves a gap, which is harmless). Elsewhere a counter row, incremented in
    the caller's transaction.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [sequence_name(prefix)])
            return cursor.fetchone()[0]
    ReferenceCounter.objects.get_or_create(prefix=prefix)
    ReferenceCounter.objects.filter(prefix=prefix).update(
        last_number=F("last_number") + 1
    )
    return ReferenceCounter.objects.get(prefix=prefix).last_number


def review_due(priority: int, received_at: datetime) -> datetime:
    hours = settings.CASE_FIRST_REVIEW_HOURS[int(priority)]
    return received_at + timedelta(hours=hours)


# No savepoint: a case is opened inside its channel's submit, which rolls
# back whole; savepoints would cost two more round trips per submit.
@transaction.atomic(savepoint=False)
def open_case(
    *,
    channel: str,
    kind: str,
    kind_label: str,
    summary: str,
    postcode: str,
    team: Team | None,
    priority: int,
    priority_reasons: list[str],
    contact_email: str,
    is_sensitive: bool,
    now: datetime,
) -> Case:
    """Create a case with its reference, routing and first timeline entries."""
    prefix = PREFIXES[channel]
    district = district_for_postcode(postcode)
    outward = outward_code_of(postcode)
    case = Case.objects.create(
        reference=format_reference(prefix, now.year, next_reference_number(prefix)),
        channel=channel,
        kind=kind,
        kind_label=kind_label,
        summary=summary[:200],
        postcode=postcode.upper().strip(),
        district=district,
        outside_force_area=bool(outward) and district is None,
        team=team,
        priority=priority,
        priority_reasons=priority_reasons,
        contact_email=contact_email,
        is_sensitive=is_sensitive,
        received_at=now,
        review_due_at=review_due(priority, now),
    )
    routed = [f"Team: {team}" if team else "Team: not set"]
    if district:
        routed.append(f"District: {district} (postcode {outward})")
    elif case.outside_force_area:
        routed.append(f"Outside Hertfordshire (postcode {outward}): pass to that force")
    else:
        routed.append("District: not known from the answers")
    routed.append(f"Priority: {case.get_priority_display()}")
    routed.extend(f"  because {reason}" for reason in priority_reasons)
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(case=case, kind=CaseEvent.Kind.RECEIVED, created_at=now),
            CaseEvent(
                case=case,
                kind=CaseEvent.Kind.ROUTED,
                text="\n".join(routed),
                created_at=now,
            ),
        ]
    )
    return case


@transaction.atomic(savepoint=False)
def queue_email(
    *,
    key: str,
    to: str,
    subject: str,
    body: str,
    now: datetime,
    case: Case | None = None,
    new_key: bool = False,
) -> OutboundEmail:
    """Write an email to the outbox; it is delivered once the caller commits.

    Writing the same key twice returns the first email. Two transactions
    racing on one key would fail the later one on the unique key (its caller
    retries and then finds the email); keys name one event, so that does not
    happen in practice, and we save the savepoints get_or_create would cost.

    `new_key`: the key names something made in the caller's transaction (a
    case's new reference), so it cannot be in the outbox yet: skip looking.
    """
    from casework.tasks import deliver_email

    if not new_key:
        email = OutboundEmail.objects.filter(idempotency_key=key).first()
        if email is not None:
            return email
    email = OutboundEmail.objects.create(
        idempotency_key=key,
        to=to,
        subject=subject,
        body=body,
        case=case,
        created_at=now,
    )
    # robust: a broker outage must not turn a saved submission into an error
    # page; the outbox row stays unsent and the sweep task retries it.
    transaction.on_commit(lambda: deliver_email.delay(email.pk), robust=True)
    return email


def deliver(*, email_id: int, now: datetime) -> bool:
    """Send one outbox email unless it has gone already. True when sent now.

    Holds the row lock while sending, so two workers never send it twice. A
    failure is recorded on the row and raised again for the task to retry.
    """
    try:
        with transaction.atomic():
            email = (
                OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
            )
            if email is None or email.sent_at is not None:
                return False
            EmailMessage(subject=email.subject, body=email.body, to=[email.to]).send()
            email.attempts += 1
            email.sent_at = now
            email.last_error = ""
            email.save(update_fields=["attempts", "last_error", "sent_at"])
            return True
    except Exception as error:
        OutboundEmail.objects.filter(pk=email_id).update(
            attempts=F("attempts") + 1,
            last_error=f"{type(error).__name__}: {error}"[:300],
        )
        raise
