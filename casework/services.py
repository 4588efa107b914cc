"""Actions on shared casework data. Views, tasks and consumers call these."""

import re

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from casework.models import District, StaffNotice
from casework.reference_data import district_for_outward_code

STAFF_ALERTS_GROUP = "staff-alerts"

# A UK postcode, spaces removed: the outward code (area letters, district
# digits, maybe a letter), then optionally the inward code (digit, 2 letters).
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})?$")


def outward_code_of(postcode: str) -> str:
    """The outward code of a full or partial postcode ("al1 3jx" -> "AL1").

    Empty when what was typed is not a postcode.
    """
    compact = re.sub(r"\s+", "", postcode or "").upper()
    match = _POSTCODE.match(compact)
    return match.group(1) if match else ""


def district_for_postcode(postcode: str) -> District | None:
    """The district a postcode lies in, or None when it is outside the county."""
    return district_for_outward_code(outward_code_of(postcode))


@transaction.atomic
def post_staff_notice(*, text: str, level: str = "info", link: str = "") -> StaffNotice:
    """Record a notice and, once committed, push it to every open staff page."""
    from casework.tasks import broadcast_staff_notice

    notice = StaffNotice.objects.create(text=text, level=level, link=link)
    transaction.on_commit(lambda: broadcast_staff_notice.delay(notice.pk), robust=True)
    return notice


def broadcast_notice(*, notice: StaffNotice) -> None:
    """Send a notice to the staff alerts group and record when it went.

    Safe to repeat: a notice sent twice shows twice at most, never lost.
    """
    async_to_sync(get_channel_layer().group_send)(
        STAFF_ALERTS_GROUP,
        {
            "type": "staff.notice",
            "id": notice.pk,
            "text": notice.text,
            "level": notice.level,
            "link": notice.link,
        },
    )
    StaffNotice.objects.filter(pk=notice.pk).update(broadcast_at=timezone.now())
