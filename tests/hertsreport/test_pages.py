"""The site shell: home page, static pages, error pages and security headers."""

import re

import pytest
from django.urls import include, path, reverse

pytestmark = pytest.mark.django_db

FIVE_TASKS = [
    ("Report a crime", "/report/"),
    ("Tell us about something", "/tell-us/"),
    ("Chat with us", "/chat/"),
    ("Find a service or contact", "/services/"),
    ("Track a report", "/track/"),
]


def test_home_page_leads_with_the_five_things_people_come_for(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    for label, url in FIVE_TASKS:
        assert f'href="{url}">{label}</a>' in html


def test_every_page_tells_people_to_call_999_in_an_emergency(client):
    for url in ["/", "/accessibility/", "/privacy/", "/cookies/", "/report/"]:
        html = client.get(url).content.decode()
        assert "In an emergency, call" in html, url
        assert 'href="tel:999"' in html, url


def test_phase_banner_links_to_feedback(client):
    html = client.get("/").content.decode()
    assert f'href="{reverse("guidance:feedback")}">feedback</a>' in html


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/accessibility/", "Accessibility statement"),
        ("/privacy/", "Privacy notice"),
        ("/cookies/", "Cookies"),
    ],
)
def test_footer_pages_have_their_content(client, url, heading):
    response = client.get(url)
    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in response.content.decode()


def test_page_title_names_the_page_and_the_service(client):
    html = client.get("/cookies/").content.decode()
    assert "<title>Cookies – Contact Hertfordshire Police</title>" in html


def test_exit_this_page_appears_only_where_a_view_asks_for_it(client, rf):
    from django.shortcuts import render

    assert "Exit this page" not in client.get("/").content.decode()
    request = rf.get("/")
    request.csp_nonce = "n"
    page = render(request, "guidance/cookies.html", {"exit_this_page": True})
    assert "Exit this page" in page.content.decode()


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("boom/", boom),
    path("", include("hertsreport.urls")),
]
handler500 = "hertsreport.views.server_error"


@pytest.fixture
def production_errors(settings):
    settings.DEBUG = False


def test_unknown_page_gets_the_styled_404(client, production_errors):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "In an emergency, call" in html


@pytest.mark.urls("tests.hertsreport.test_pages")
def test_a_bug_gets_the_styled_500_page(client, production_errors):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_expired_form_gets_a_plain_explanation_not_a_crash(production_errors):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/", {"anything": "x"})
    # The home page only accepts GET; a POST without a token fails CSRF first.
    assert response.status_code == 403
    assert "Sorry, we could not save that" in response.content.decode()


def test_pages_send_a_content_security_policy_with_a_nonce(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "'nonce-" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()
    assert response.headers["X-Frame-Options"] == "DENY"


def test_favicon_ico_leads_to_the_forces_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert re.fullmatch(r"/static/images/favicon(\.[0-9a-f]+)?\.svg", response.url)


def test_admin_pages_name_the_icon_so_browsers_do_not_ask_for_favicon_ico(client):
    html = client.get("/admin/login/").content.decode()
    assert re.search(
        r'<link rel="icon"[^>]+href="/static/images/favicon[^"]*\.svg"', html
    )
