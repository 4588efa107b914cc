"""Service pages, categories, contacts and help, as seen without JavaScript."""

import pytest
from django.urls import reverse

from guidance.models import Category, ServicePage

pytestmark = pytest.mark.django_db

TWELVE_SERVICES = [
    "firearms-and-shotgun-certificates",
    "domestic-violence-disclosure-scheme",
    "child-sex-offender-disclosure-scheme",
    "subject-access-request",
    "lost-and-found-property",
    "road-traffic-collisions-and-dashcam",
    "seized-or-removed-vehicles",
    "police-certificates-and-disclosure-checks",
    "complaints-and-compliments",
    "freedom-of-information",
    "alcohol-and-event-licensing",
    "volunteering-and-joining",
]


def test_services_index_has_search_topics_and_every_service_a_to_z(client):
    html = client.get("/services/").content.decode()
    assert '<form action="/services/search/" method="get" role="search"' in html
    for category in Category.objects.all():
        assert f'href="/services/{category.slug}/">{category.name}</a>' in html
    for slug in TWELVE_SERVICES:
        assert f'href="/services/{slug}/"' in html
    assert 'href="/services/contacts/"' in html


@pytest.mark.parametrize("slug", TWELVE_SERVICES)
def test_every_service_page_says_who_what_how_long_cost_and_who_to_contact(
    client, slug
):
    page = ServicePage.objects.get(slug=slug)
    response = client.get(f"/services/{slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        f'<h1 class="govuk-heading-xl">{page.title}</h1>'.replace("'", "&#x27;") in html
    )
    for heading in ["Who it is for", "What it costs", "How long it takes"]:
        assert heading in html
    assert "Who to contact" in html
    assert "Last reviewed: 29 November 2026" in html
    assert "Did this answer your question?" in html
    assert 'href="/report/"' in html and "call 101" in html
    assert "Related services" in html


def test_service_page_links_its_departments_and_related_services(client):
    html = client.get("/services/firearms-and-shotgun-certificates/").content.decode()
    assert 'href="/services/contacts/firearms-licensing-unit/"' in html
    assert "firearms.licensing@herts.police.uk" in html
    assert 'href="/services/lost-and-found-property/"' in html


def test_firearms_fees_are_the_ones_in_force_since_february_2025(client):
    html = client.get("/services/firearms-and-shotgun-certificates/").content.decode()
    for fee in ["£198", "£131", "£194", "£126"]:
        assert fee in html


def test_category_lists_its_pages_and_other_topics(client):
    response = client.get("/services/keeping-people-safe/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/services/domestic-violence-disclosure-scheme/"' in html
    assert 'href="/services/child-sex-offender-disclosure-scheme/"' in html
    assert "Other topics" in html


def test_a_draft_is_not_public_but_staff_can_preview_it(client, django_user_model):
    page = ServicePage.objects.get(slug="freedom-of-information")
    page.status = ServicePage.Status.DRAFT
    page.save()
    assert client.get("/services/freedom-of-information/").status_code == 404
    assert "Freedom of information" not in client.get("/services/").content.decode()

    preview = reverse("guidance:preview", args=[page.slug])
    assert client.get(preview).status_code == 302  # to the staff sign-in
    editor = django_user_model.objects.create_user(username="e", is_staff=True)
    from casework import roles

    editor.groups.add(roles.seed_roles()[roles.CONTENT_EDITOR])
    client.force_login(editor)
    response = client.get(preview)
    assert response.status_code == 200
    assert "This is a preview for staff. Status: Draft." in response.content.decode()


def test_unknown_service_is_a_404(client):
    assert client.get("/services/no-such-thing/").status_code == 404


def test_contacts_directory_lists_each_department_with_phone_email_and_hours(
    client,
):
    html = client.get("/services/contacts/").content.decode()
    assert "Firearms Licensing Unit" in html
    assert 'href="tel:101"' in html
    assert 'href="mailto:information.rights@herts.police.uk"' in html
    assert "Monday to Friday, 9am to 5pm" in html


def test_department_page_lists_the_services_it_helps_with(client):
    response = client.get("/services/contacts/information-rights-unit/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/services/subject-access-request/"' in html
    assert 'href="/services/freedom-of-information/"' in html
    assert client.get("/services/contacts/nobody/").status_code == 404


def test_help_has_contents_and_pages_with_previous_and_next(client):
    html = client.get("/help/").content.decode()
    for url in [
        "/help/what-you-can-do-online/",
        "/help/after-you-report/",
        "/help/tracking-a-report/",
        "/help/staying-safe/",
        "/accessibility/",
        "/cookies/",
        "/privacy/",
    ]:
        assert f'href="{url}"' in html
    topic = client.get("/help/after-you-report/").content.decode()
    assert '<span aria-current="page">What happens after you report</span>' in topic
    assert 'rel="prev"' in topic and 'rel="next"' in topic
    assert client.get("/help/nothing-here/").status_code == 404


def test_home_page_has_a_search_box(client):
    html = client.get("/").content.decode()
    assert 'action="/services/search/"' in html
    assert 'name="q" type="search"' in html


def test_cookies_page_lists_the_feedback_message_cookie(client):
    html = client.get("/cookies/").content.decode()
    assert '<td class="govuk-table__cell">messages</td>' in html


def test_a_password_only_session_cannot_preview_drafts(client, django_user_model):
    """Staff still setting up their authenticator app see nothing but that."""
    from casework import roles

    editor = django_user_model.objects.create_user(
        username="e", password="a-long-test-password", is_staff=True
    )
    editor.groups.add(roles.seed_roles()[roles.CONTENT_EDITOR])
    signed_in = client.post(
        "/admin/login/",
        {"username": "e", "password": "a-long-test-password", "otp_token": ""},
    )
    assert signed_in.status_code == 302
    preview = reverse("guidance:preview", args=["freedom-of-information"])
    assert client.get(preview)["Location"].startswith("/admin/authenticator/")
