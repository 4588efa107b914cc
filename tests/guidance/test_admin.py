"""Content editors manage service information in admin; other staff cannot."""

import pytest
from django.utils import timezone

from casework import roles
from guidance.models import JourneyFeedback, PageFeedback, SearchMiss, ServicePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups():
    return roles.seed_roles()


def staff(django_user_model, groups, role, username):
    user = django_user_model.objects.create_user(username=username, is_staff=True)
    user.groups.add(groups[role])
    return user


@pytest.fixture
def editor(client, django_user_model, groups):
    client.force_login(staff(django_user_model, groups, roles.CONTENT_EDITOR, "ed"))
    return client


def test_content_editor_can_edit_a_page_and_its_history_is_kept(editor):
    page = ServicePage.objects.get(slug="freedom-of-information")
    url = f"/admin/guidance/servicepage/{page.pk}/change/"
    form = editor.get(url)
    assert form.status_code == 200
    assert "Preview the page as the public will see it" in form.content.decode()
    data = {
        "title": page.title,
        "slug": page.slug,
        "category": page.category_id,
        "summary": "A new summary.",
        "status": "published",
        "who_for": page.who_for,
        "cost": page.cost,
        "time_taken": page.time_taken,
        "body_markdown": page.body_markdown,
        "departments": [d.pk for d in page.departments.all()],
        "related": [p.pk for p in page.related.all()],
        "last_reviewed": "2026-11-29",
        "review_by": "2027-05-29",
    }
    response = editor.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page.refresh_from_db()
    assert page.summary == "A new summary."
    latest = page.history.first()
    assert latest.summary == "A new summary."
    assert latest.history_user.username == "ed"
    history = editor.get(f"/admin/guidance/servicepage/{page.pk}/history/")
    assert history.status_code == 200
    assert (
        "A new summary." in history.content.decode() or "ed" in history.content.decode()
    )


def test_a_control_room_agent_cannot_see_or_edit_pages(
    client, django_user_model, groups
):
    client.force_login(
        staff(django_user_model, groups, roles.CONTROL_ROOM_AGENT, "agent")
    )
    assert client.get("/admin/guidance/servicepage/").status_code == 403
    page = ServicePage.objects.first()
    response = client.post(
        f"/admin/guidance/servicepage/{page.pk}/change/", {"title": "Hacked"}
    )
    assert response.status_code == 403
    assert client.get("/admin/guidance/pagefeedback/").status_code == 403
    assert client.get(f"/services/preview/{page.slug}/").status_code == 403


def test_pages_past_their_review_date_are_flagged(editor):
    ServicePage.objects.filter(slug="freedom-of-information").update(
        review_by=timezone.localdate() - timezone.timedelta(days=1)
    )
    html = editor.get("/admin/guidance/servicepage/?review=due").content.decode()
    assert "Freedom of information requests" in html
    assert "Firearms and shotgun certificates" not in html
    assert 'alt="True"' in html  # the needs-review column's flag


def test_searches_that_found_nothing_are_listed_most_frequent_first(editor):
    now = timezone.now()
    SearchMiss.objects.create(terms="rare", count=1, last_seen=now)
    SearchMiss.objects.create(terms="common", count=9, last_seen=now)
    response = editor.get("/admin/guidance/searchmiss/")
    html = response.content.decode()
    assert "What people looked for and did not find" in html
    assert html.index("common") < html.index("rare")
    assert editor.get("/admin/guidance/searchmiss/add/").status_code == 403


def test_feedback_is_summarised_per_page_and_per_journey(editor):
    for useful in [True, True, False]:
        PageFeedback.objects.create(path="/services/", useful=useful)
    PageFeedback.objects.create(
        path="/help/", useful=False, reason="wrong", details="<b>bold</b> claim"
    )
    for score in [5, 4, 4]:
        JourneyFeedback.objects.create(journey="report", satisfaction=score)
    pages = editor.get("/admin/guidance/pagefeedback/").content.decode()
    assert "<td>/services/</td><td>2</td><td>1</td><td>67%</td>" in pages
    # What the public wrote is escaped where staff read it.
    assert "&lt;b&gt;bold&lt;/b&gt; claim" in pages
    journeys = editor.get("/admin/guidance/journeyfeedback/").content.decode()
    assert "reporting a crime" in journeys
    assert "<td>4.3</td>" in journeys
