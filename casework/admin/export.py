"""CSV export of the case list as filtered on screen: checked and audited.

The export holds what the list shows (no names, addresses or what was said),
at most CASE_EXPORT_MAX_ROWS rows; cells a spreadsheet would read as a
formula are prefixed with an apostrophe, since the public wrote some of them.
"""

import csv
import io

from django.conf import settings
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from casework import audit
from casework.admin.queues import time_left

HEADERS = [
    "Reference",
    "Received",
    "Channel",
    "Kind",
    "District",
    "Priority",
    "Status",
    "First review due",
    "First reviewed",
    "Time left",
    "Assigned to",
    "Team",
    "Outcome",
    "Crime number",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _plain(html) -> str:
    return strip_tags(str(html))


def export_cases(case_admin, request):
    if not request.user.has_perm("casework.export_case"):
        audit.record(
            user=request.user,
            action=audit.AuditEntry.Action.DENIED,
            object_type="casework.case",
            detail=f"Export: {request.GET.urlencode()}",
        )
        raise PermissionDenied
    try:
        changelist = case_admin.get_changelist_instance(request)
    except IncorrectLookupParameters:
        return HttpResponseBadRequest(_("Those filters do not make sense together."))
    limit = settings.CASE_EXPORT_MAX_ROWS
    cases = list(
        changelist.queryset.select_related("district", "team", "assigned_to")[
            : limit + 1
        ]
    )
    truncated = len(cases) > limit
    cases = cases[:limit]
    now = timezone.now()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for case in cases:
        assignee = case.assigned_to
        writer.writerow(
            [
                _cell(value)
                for value in [
                    case.reference,
                    _when(case.received_at),
                    case.get_channel_display(),
                    case.kind_label,
                    case.district or "",
                    case.get_priority_display(),
                    case.get_status_display(),
                    _when(case.review_due_at),
                    _when(case.first_reviewed_at),
                    _plain(time_left(case, now)),
                    (assignee.get_full_name() or assignee.get_username())
                    if assignee
                    else "",
                    case.team or "",
                    case.get_outcome_display(),
                    case.crime_number,
                ]
            ]
        )
    filters = request.GET.urlencode() or "(default view: open cases)"
    with transaction.atomic():
        audit.record(
            user=request.user,
            action=audit.AuditEntry.Action.EXPORT,
            object_type="casework.case",
            detail=(
                f"{len(cases)} cases{' (cut at the limit)' if truncated else ''}; "
                f"filters: {filters}; references: "
                + " ".join(case.reference for case in cases)
            ),
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    if truncated:
        response["X-Export-Truncated"] = str(limit)
    return response
