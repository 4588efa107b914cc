"""Cases as the channels make them, for casework tests."""

from datetime import timedelta

from django.utils import timezone

from casework.cases import open_case
from casework.models import Case, Team


def make_case(
    *,
    kind="theft_cycle",
    postcode="SG5 1AA",
    email="sam@example.com",
    priority=Case.Priority.STANDARD,
    received_at=None,
    channel=Case.Channel.REPORT,
):
    return open_case(
        channel=channel,
        kind=kind,
        kind_label="Theft of a bicycle",
        summary="My bike was taken",
        postcode=postcode,
        team=Team.objects.get(name="Crime Management Unit"),
        priority=priority,
        priority_reasons=[],
        contact_email=email,
        is_sensitive=False,
        now=received_at or timezone.now() - timedelta(minutes=5),
    )
