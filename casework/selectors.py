"""Reads of cases that are more than one line of ORM."""

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from casework.models import Case
from casework.services import outward_code_of

DUPLICATE_WINDOW = timedelta(hours=48)


def possible_duplicates(case: Case) -> QuerySet[Case]:
    """Same kind in the same postcode district within 48 hours, or same email."""
    same_place = Q()
    outward = outward_code_of(case.postcode)
    if outward:
        same_place = Q(
            kind=case.kind,
            postcode__startswith=f"{outward} ",
            received_at__range=(
                case.received_at - DUPLICATE_WINDOW,
                case.received_at + DUPLICATE_WINDOW,
            ),
        )
    same_email = (
        Q(contact_email__iexact=case.contact_email) if case.contact_email else Q()
    )
    if not same_place and not same_email:
        return Case.objects.none()
    return (
        Case.objects.filter(same_place | same_email)
        .exclude(pk=case.pk)
        .order_by("-received_at")[:10]
    )


def overdue(now: datetime) -> QuerySet[Case]:
    """Not reviewed yet and past the time its priority allows."""
    return Case.objects.filter(
        first_reviewed_at__isnull=True, review_due_at__lt=now
    ).exclude(status=Case.Status.CLOSED)
