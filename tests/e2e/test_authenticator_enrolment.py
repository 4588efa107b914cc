"""A new member of staff sets up their authenticator app at first sign-in,
with the set-up link a supervisor made and their password, reading the key
off the page as a person would type it into their app; a supervisor resets
it and is shown the new link. Driven by labels, headings and button names."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.casework.authenticator_apps import setup_link_for
from tests.casework.staff import make_staff
from tests.e2e.checks import (
    check_page,
    js_on_desktop_and_js_off_phone,
    seed_districts_and_teams,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


@pytest.fixture
def newcomer(transactional_db, django_user_model):
    seed_districts_and_teams()
    return make_staff(django_user_model, "agent", "newcomer")


def code_for_key(key_text: str) -> str:
    """What an authenticator app shows now for the key typed from the page."""
    key = key_text.replace(" ", "")
    return str(totp(b32decode(key + "=" * (-len(key) % 8)))).zfill(6)


def sign_in_with_password(page: Page, username: str) -> None:
    expect(
        page.get_by_label("Code from your authenticator app")
    ).to_have_accessible_description(re.compile("set-up link .* leave this empty"))
    check_page(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_password_alone_is_told_to_ask_a_supervisor(js_page, live_server, newcomer):
    page = js_page
    page.goto(f"{live_server.url}/admin/casework/case/")
    sign_in_with_password(page, "newcomer")
    expect(
        page.get_by_role("heading", name="Ask a supervisor for a set-up link")
    ).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_have_count(0)
    check_page(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Logged out")).to_be_visible()


@js_on_desktop_and_js_off_phone
def test_a_newcomer_sets_up_their_app_and_reaches_the_cases(
    either_page, viewport, live_server, newcomer
):
    page = either_page
    page.goto(live_server.url + setup_link_for(newcomer))
    expect(
        page.get_by_text("This is a set-up link for a staff account")
    ).to_be_visible()
    sign_in_with_password(page, "newcomer")

    expect(
        page.get_by_role("heading", name="Set up your authenticator app")
    ).to_be_visible()
    expect(
        page.get_by_role("img", name="QR code to scan with your authenticator app")
    ).to_be_visible()
    check_page(page)
    key = page.locator(".hr-key code").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", key)

    # Nowhere else in admin opens meanwhile.
    page.goto(f"{live_server.url}/admin/casework/case/")
    expect(
        page.get_by_role("heading", name="Set up your authenticator app")
    ).to_be_visible()

    # A mistyped code: a clear error, linked to the box, and nothing set up.
    page.get_by_label("Code from your authenticator app").fill("000000")
    if code_for_key(key) == "000000":
        page.get_by_label("Code from your authenticator app").fill("111111")
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(
        page.get_by_role("link", name=re.compile("The code is wrong"))
    ).to_be_visible()
    check_page(page)
    assert not TOTPDevice.objects.get(user=newcomer).confirmed

    time.sleep(1.1)  # django-otp makes the next try wait after a wrong code
    page.get_by_label("Code from your authenticator app").fill(code_for_key(key))
    page.get_by_role("button", name="Confirm and continue").click()

    expect(page.get_by_text("Your authenticator app is set up")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/admin/casework/case/$"))
    assert TOTPDevice.objects.get(user=newcomer).confirmed


def test_a_supervisor_resets_a_colleagues_app(
    js_page, live_server, newcomer, django_user_model
):
    TOTPDevice.objects.create(user=newcomer, name="phone", confirmed=True)
    supervisor = make_staff(django_user_model, "supervisor")
    device = TOTPDevice.objects.create(user=supervisor, name="phone", confirmed=True)
    page = js_page
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("supervisor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(
        str(totp(device.bin_key)).zfill(6)
    )
    page.get_by_role("button", name="Sign in").click()

    page.goto(
        f"{live_server.url}/admin/casework/staffmember/"
        f"{newcomer.staff_member.pk}/change/"
    )
    page.get_by_role("link", name="Reset authenticator app").click()
    expect(
        page.get_by_role("heading", name="Reset Agent Tester's authenticator app")
    ).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Reset their app and create a set-up link").click()
    expect(page.get_by_text("authenticator app has been reset")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Set-up link for Agent Tester")
    ).to_be_visible()
    link = page.get_by_label("Set-up link")
    expect(link).to_have_accessible_description(re.compile("It works once, until"))
    check_page(page)
    assert "/admin/authenticator/link/?token=" in link.input_value()
    assert not TOTPDevice.objects.filter(user=newcomer).exists()


def test_a_link_that_no_longer_works_says_what_to_do(js_page, live_server, newcomer):
    older = setup_link_for(newcomer)
    setup_link_for(newcomer)
    page = js_page
    page.goto(live_server.url + older)
    expect(
        page.get_by_role("heading", name="This set-up link has been replaced")
    ).to_be_visible()
    expect(page.get_by_text("Ask a supervisor for a new set-up link")).to_be_visible()
    check_page(page)
