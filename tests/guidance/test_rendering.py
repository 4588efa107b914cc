"""Markdown bodies are sanitised: nothing an editor types can run in a browser."""

import pytest

from guidance.models import ServicePage
from guidance.rendering import render_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<p onclick="alert(1)" style="x">x</p>',
    "<iframe src=https://evil.example></iframe>",
    '<svg onload="alert(1)"></svg>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_script_event_handler_or_javascript_link_survives(payload):
    html = str(render_markdown(f"Before\n\n{payload}\n\nAfter")).lower()
    for dangerous in [
        "<script",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "<iframe",
        "<svg",
        "data:text",
        "style=",
    ]:
        assert dangerous not in html, (payload, html)
    assert "before" in html and "after" in html


def test_markdown_becomes_govuk_markup():
    html = render_markdown(
        "## How to apply\n\n- one\n- two\n\n1. first\n\n[Report](/report/) "
        "or [GOV.UK](https://www.gov.uk/) or [call](tel:101)"
    )
    assert '<h2 class="govuk-heading-m">How to apply</h2>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert '<ol class="govuk-list govuk-list--number">' in html
    assert '<a href="/report/" class="govuk-link">Report</a>' in html
    assert 'href="https://www.gov.uk/"' in html
    assert 'href="tel:101"' in html


@pytest.mark.django_db
def test_a_page_with_a_script_in_its_body_shows_it_as_nothing(client):
    page = ServicePage.objects.get(slug="lost-and-found-property")
    page.body_markdown = "Hello <script>alert('x')</script> [x](javascript:alert(1))"
    page.save()
    html = client.get("/services/lost-and-found-property/").content.decode()
    assert "alert(" not in html
