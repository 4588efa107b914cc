"""A supervisor triages a report end to end in admin; the reporter reads the
update on the track page.

Driven by what is on screen: labels, headings, button and link names.
"""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from casework.models import Case
from tests.casework.staff import make_staff
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import SCREENSHOTS
from tests.reports.journey_data import complete_journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def districts_and_teams(transactional_db):
    """What migration 0002 loads (live-server tests empty every table)."""
    seed = importlib.import_module(
        "casework.migrations.0002_seed_districts_and_teams"
    ).seed
    seed(apps, type("SchemaEditor", (), {"connection": connection})())


@pytest.fixture
def report(tmp_path, settings) -> Case:
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    citizen = Client()
    complete_journey(
        citizen,
        {
            "what-happened": {"description": "Two men took my bike and threatened me."},
        },
    )
    citizen.post("/report/check/", {"confirm": "on"})
    case = Case.objects.get()
    # Marked sensitive, so opening it asks for a reason first.
    Case.objects.filter(pk=case.pk).update(is_sensitive=True)
    return case


@pytest.fixture
def supervisor(django_user_model):
    user = make_staff(django_user_model, "supervisor")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"triage-{name}.png", full_page=True)


def code_for(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return str(totp(device.bin_key)).zfill(6)


def sign_in(page: Page, base: str, user) -> None:
    page.goto(f"{base}/admin/")
    expect(page.get_by_label("Username")).to_be_visible()
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(code_for(user))
    shot(page, "1-sign-in")
    page.get_by_role("button", name="Sign in").click()


def grade(page: Page, factor: str, level: str) -> None:
    page.get_by_role("group", name=f"{factor}: grade").get_by_label(level).check()


def test_a_supervisor_triages_a_report_and_the_reporter_reads_the_update(
    js_page, live_server, report, supervisor
):
    page = js_page
    base = live_server.url
    sign_in(page, base, supervisor)

    expect(page.get_by_role("heading", name="Work queues")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Arrivals per day"))).to_be_visible()
    shot(page, "2-dashboard")
    page.get_by_role("link", name=re.compile(r"^\d+ New$")).click()

    expect(page).to_have_url(re.compile(r"/admin/casework/case/\?queue=new$"))
    shot(page, "3-queue")
    page.get_by_role("link", name=report.reference).click()

    # A sensitive record: say why before it opens.
    page.get_by_label("Why do you need to open this record?").fill(
        "Morning triage of the new queue"
    )
    page.get_by_role("button", name="Open the record").click()
    expect(
        page.get_by_role("heading", name=re.compile(report.reference))
    ).to_be_visible()
    expect(page.get_by_text("Two men took my bike and threatened me.")).to_be_visible()
    shot(page, "4-case")

    page.get_by_role("link", name="Assess (THRIVE)").click()
    for factor, level in [
        ("Threat", "High"),
        ("Harm", "Medium"),
        ("Risk", "Medium"),
        ("Investigation opportunities", "High"),
        ("Vulnerability", "Low"),
        ("Engagement", "Medium"),
    ]:
        grade(page, factor, level)
    page.get_by_label("Threat: why").fill("Threatened with violence")
    shot(page, "5-thrive")
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_text("Assessment saved. Priority: Urgent.")).to_be_visible()

    page.get_by_role("link", name="Assign", exact=True).click()
    page.get_by_label("Team").select_option(label="Crime Management Unit")
    page.get_by_label("Officer or member of staff").select_option(
        label="Supervisor Tester"
    )
    page.get_by_role("button", name=f"Assign {report.reference}").click()
    expect(page.get_by_text(f"Assigned {report.reference}.")).to_be_visible()

    page.get_by_label("Update to the reporter").fill(
        "An officer will call you tomorrow morning."
    )
    page.get_by_role("button", name="Send update to the reporter").click()
    expect(page.get_by_text("Update sent.")).to_be_visible()
    page.get_by_label("Internal note (staff only)").fill("Check CCTV at the station")
    page.get_by_role("button", name="Add internal note").click()
    expect(page.get_by_text("Internal note · staff only")).to_be_visible()

    page.get_by_role("link", name="Close with an outcome").click()
    page.get_by_label("No crime").check()
    page.get_by_label("Reason the reporter will see").fill(
        "We spoke to you and agreed no crime took place."
    )
    shot(page, "6-close")
    page.get_by_role("button", name="Close the case with its outcome").click()
    expect(page.get_by_text("The case is closed")).to_be_visible()
    shot(page, "7-closed")

    case = Case.objects.get()
    assert case.status == Case.Status.CLOSED
    assert case.priority == Case.Priority.URGENT
    assert case.team.name == "Crime Management Unit"

    # The reporter, in a page of their own.
    reporter = page.context.browser.new_context(viewport={"width": 375, "height": 812})
    public = reporter.new_page()
    public.goto(f"{base}/track/")
    assert_no_axe_violations(public)
    public.get_by_label("Reference number").fill(report.reference)
    public.get_by_label("Email address, or your passphrase").fill("sam@example.com")
    public.get_by_role("button", name="Find my report").click()
    expect(
        public.get_by_text("An officer will call you tomorrow morning.")
    ).to_be_visible()
    expect(
        public.get_by_text(re.compile("agreed no crime took place")).first
    ).to_be_visible()
    expect(public.get_by_text("Check CCTV at the station")).to_have_count(0)
    assert_no_axe_violations(public)
    public.screenshot(path=Path(SCREENSHOTS) / "triage-8-track.png", full_page=True)
    reporter.close()
