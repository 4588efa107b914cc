"""The admin index as the control room's dashboard.

Counts per queue (what this person's role lets them see), today's arrivals by
channel, the median time to first review, chats waiting, and charts of the
last 30 days drawn as SVG with their figures in a table too.
"""

import statistics
from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.admin.access import visible_cases
from casework.admin.charts import Series, bar_chart
from casework.admin.queues import QUEUES, queue
from casework.models import Case

DAYS = 30
CHANNEL_COLOURS = {
    Case.Channel.REPORT: "#1d70b8",
    Case.Channel.INTELLIGENCE: "#d4351c",
    Case.Channel.CHAT: "#00703c",
}
# Index boxes other apps provide; shown when the app is there.
EXTRA_BOXES = ["admin/webchat/index_box.html"]


def _conversations():
    if not apps.is_installed("webchat"):
        return None
    return apps.get_model("webchat", "Conversation").objects


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def _say_hours(hours: float | None) -> str:
    if hours is None:
        return _("no cases reviewed yet")
    if hours < 1:
        return _("%(minutes)s minutes") % {"minutes": round(hours * 60)}
    return _("%(hours).1f hours") % {"hours": hours}


def dashboard_context(request) -> dict:
    user = request.user
    boxes = [name for name in EXTRA_BOXES if _template_exists(name)]
    if not (user.is_authenticated and user.has_perm("casework.view_case")):
        return {"extra_boxes": boxes}
    now = timezone.now()
    zone = ZoneInfo(settings.TIME_ZONE)
    cases = visible_cases(user)
    changelist = reverse("admin:casework_case_changelist")
    queues = [
        {
            "name": _("Open"),
            "count": queue(None, cases, user, now).count(),
            "url": changelist,
        }
    ] + [
        {
            "name": label,
            "count": queue(name, cases, user, now).count(),
            "url": f"{changelist}?queue={name}",
        }
        for name, label in QUEUES
        if name not in {"closed", "all"}
    ]
    today = timezone.localtime(now, zone).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    first_day = today - timedelta(days=DAYS - 1)
    days = [(first_day + timedelta(days=n)).date() for n in range(DAYS)]

    channels = [Case.Channel.REPORT]
    if user.has_perm("casework.view_intelligence"):
        channels.append(Case.Channel.INTELLIGENCE)
    per_day = defaultdict(lambda: defaultdict(int))
    for row in (
        cases.filter(received_at__gte=first_day, channel__in=channels)
        .annotate(day=TruncDate("received_at", tzinfo=zone))
        .values("day", "channel")
        .annotate(n=Count("id"))
    ):
        per_day[row["channel"]][row["day"]] = row["n"]
    conversations = _conversations()
    sees_chats = conversations is not None and user.has_perm(
        "webchat.view_conversation"
    )
    if sees_chats:
        channels.append(Case.Channel.CHAT)
        for row in (
            conversations.filter(created_at__gte=first_day)
            .annotate(day=TruncDate("created_at", tzinfo=zone))
            .values("day")
            .annotate(n=Count("id"))
        ):
            per_day[Case.Channel.CHAT][row["day"]] = row["n"]

    arrivals = [
        Series(
            str(Case.Channel(channel).label),
            CHANNEL_COLOURS[channel],
            [per_day[channel][day] for day in days],
        )
        for channel in channels
    ]
    reviews = defaultdict(list)
    for received, reviewed in cases.filter(
        received_at__gte=first_day, first_reviewed_at__isnull=False
    ).values_list("received_at", "first_reviewed_at"):
        reviews[timezone.localtime(received, zone).date()].append(
            _hours(reviewed - received)
        )
    all_reviews = [hours for day in reviews.values() for hours in day]
    median_review = statistics.median(all_reviews) if all_reviews else None
    review_series = [
        Series(
            _("median hours to first review"),
            "#4c2c92",
            [
                round(statistics.median(reviews[d]), 1) if reviews[d] else 0
                for d in days
            ],
        )
    ]
    labels = [day.strftime("%d %b") for day in days]
    total = {s.name: sum(s.values) for s in arrivals}
    return {
        "extra_boxes": boxes,
        "dashboard": {
            "queues": queues,
            "today": [{"name": s.name, "count": s.values[-1]} for s in arrivals],
            "median_review": _say_hours(median_review),
            "chats_waiting": conversations.filter(status="waiting").count()
            if sees_chats
            else None,
            "arrivals_chart": bar_chart(
                chart_id="arrivals",
                title=_("Arrivals per day, last %(days)s days, by channel")
                % {"days": DAYS},
                description=_(
                    "Stacked bars, one per day from %(first)s to %(last)s. "
                    "Totals: %(totals)s."
                )
                % {
                    "first": labels[0],
                    "last": labels[-1],
                    "totals": "; ".join(f"{n} {name}" for name, n in total.items()),
                },
                labels=labels,
                series=arrivals,
            ),
            "review_chart": bar_chart(
                chart_id="review",
                title=_("Median time to first review per day, last %(days)s days")
                % {"days": DAYS},
                description=_(
                    "One bar per day of arrival, in hours. Over the 30 "
                    "days the median was %(median)s."
                )
                % {"median": _say_hours(median_review)},
                labels=labels,
                series=review_series,
                unit=_(" h"),
            ),
            "table": [
                {
                    "day": labels[i],
                    "arrivals": [s.values[i] for s in arrivals],
                    "review": review_series[0].values[i] if reviews[days[i]] else None,
                }
                for i in range(DAYS)
            ],
            "channels": [s.name for s in arrivals],
        },
    }


def _template_exists(name: str) -> bool:
    try:
        select_template([name])
    except Exception:
        return False
    return True
