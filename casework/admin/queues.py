"""The work queues: list filters on the case list, and the time left.

A queue is a saved link: /admin/casework/case/?queue=overdue. With no queue
chosen the list shows every open case, most urgent then oldest first.
"""

from datetime import datetime, timedelta

from django.contrib import admin
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.admin.access import team_id_of
from casework.models import Case
from casework.selectors import overdue

CLOSED = Case.Status.CLOSED

QUEUES = [
    ("new", gettext_lazy("New")),
    ("overdue", gettext_lazy("Overdue for first review")),
    ("mine", gettext_lazy("Mine")),
    ("team", gettext_lazy("My team's")),
    ("unassigned", gettext_lazy("Unassigned")),
    ("attention", gettext_lazy("New information from the reporter")),
    ("closed", gettext_lazy("Closed")),
    ("all", gettext_lazy("All, including closed")),
]


def queue(name: str | None, cases: QuerySet[Case], user, now: datetime):
    """The cases in one queue; None is the default: every open case."""
    open_cases = cases.exclude(status=CLOSED)
    if name is None:
        return open_cases
    if name == "new":
        return cases.filter(status=Case.Status.RECEIVED)
    if name == "overdue":
        return cases & overdue(now)
    if name == "mine":
        return open_cases.filter(assigned_to=user)
    if name == "team":
        team_id = team_id_of(user)
        return open_cases.filter(team_id=team_id) if team_id else cases.none()
    if name == "unassigned":
        return open_cases.filter(assigned_to__isnull=True)
    if name == "attention":
        return cases.filter(needs_attention=True)
    if name == "closed":
        return cases.filter(status=CLOSED)
    return cases


class QueueFilter(admin.SimpleListFilter):
    title = gettext_lazy("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return QUEUES

    def queryset(self, request, queryset):
        name = self.value()
        if name is None and "status__exact" in request.GET:
            # Someone filtering by status (closed, say) means all of them.
            return queryset
        return queue(name, queryset, request.user, timezone.now())

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Open (not closed)"),
        }
        for value, title in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: value}
                ),
                "display": title,
            }


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)s min") % {"minutes": minutes}


def time_left(case: Case, now: datetime) -> str:
    """Time to the first-review deadline, in words (not colour alone)."""
    if case.status == CLOSED:
        return _("Closed")
    if case.first_reviewed_at is not None:
        return _("Reviewed")
    left = case.review_due_at - now
    if left.total_seconds() < 0:
        return format_html(
            '<strong class="hr-overdue">{}</strong> {}',
            _("Overdue"),
            _("by %(time)s") % {"time": _duration(-left)},
        )
    return _("%(time)s left") % {"time": _duration(left)}
