"""The admin index is the control room's dashboard."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from casework import workflow
from casework.models import Case
from tests.casework.factories import make_case
from tests.casework.staff import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def day_of_work(django_user_model):
    now = timezone.now()
    reviewer = make_staff(django_user_model, "agent", "r")
    reviewed = make_case(received_at=now - timedelta(hours=3))
    workflow.take_case(case_id=reviewed.pk, by=reviewer, now=now - timedelta(hours=1))
    make_case(received_at=now - timedelta(days=2))  # overdue
    make_case(channel=Case.Channel.INTELLIGENCE)
    return reviewed


def count_for(html: str, label: str) -> int:
    match = re.search(
        r'<span class="hr-count">(\d+)</span> <span class="hr-count-label">'
        + re.escape(label),
        html,
    )
    assert match, label
    return int(match.group(1))


def test_counts_per_queue_as_the_role_sees_them(staff, day_of_work):
    html = staff("supervisor").get("/admin/").content.decode()
    assert count_for(html, "Open") == 2  # the intelligence case is not theirs
    assert count_for(html, "Overdue for first review") == 1
    assert count_for(html, "New") == 1
    assert count_for(html, "Unassigned") == 1
    assert 'href="/admin/casework/case/?queue=overdue"' in html


def test_median_time_to_first_review_and_todays_arrivals(staff, day_of_work):
    html = staff("supervisor").get("/admin/").content.decode()
    assert "Median time to first review (30 days)" in html
    assert "2.0 hours" in html


def test_charts_are_svg_with_a_title_a_description_and_a_table(staff, day_of_work):
    html = staff("supervisor").get("/admin/").content.decode()
    charts = re.findall(r"<svg[^>]*role=\"img\"[^>]*>", html)
    assert len(charts) == 2
    assert '<title id="arrivals-title">Arrivals per day, last 30 days' in html
    assert '<desc id="arrivals-desc">' in html
    assert '<title id="review-title">Median time to first review' in html
    assert "The same figures as a table" in html
    assert html.count('<th scope="row">') >= 30
    assert "<script" not in html.split('id="charts-heading"')[1].split("</section>")[0]


def test_chats_waiting_are_counted(staff):
    from webchat.models import Conversation

    Conversation.objects.create(
        token_hash="a" * 64, topic="advice", created_at=timezone.now()
    )
    html = staff("supervisor").get("/admin/").content.decode()
    assert re.search(r"Chats waiting now</dt><dd>1</dd>", html)


def test_intelligence_arrivals_only_for_intelligence_officers(staff, day_of_work):
    assert (
        "<dt>Intelligence</dt>" in staff("intelligence").get("/admin/").content.decode()
    )
    assert "<dt>Intelligence</dt>" not in staff("agent").get("/admin/").content.decode()


def test_content_editors_get_no_casework_dashboard(staff):
    html = staff("editor").get("/admin/").content.decode()
    assert "Work queues" not in html
