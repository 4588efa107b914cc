"""Setting up an authenticator app takes a one-time set-up link from a
supervisor as well as the password: each way a link can fail, as the person
holding it sees it, and what the supervisor sees when making one."""

import importlib
import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.audit import AuditEntry
from casework.authenticators import confirm_enrolment
from casework.models import StaffMember
from casework.setup_links import SetupLink, hash_token
from casework.tasks import end_expired_setup_links
from tests.casework.authenticator_apps import (
    ENROL,
    LINK,
    code_from,
    key_on,
    link_on,
    setup_link_for,
    sign_in,
)
from tests.casework.staff import make_staff

pytestmark = pytest.mark.django_db

Action = AuditEntry.Action


@pytest.fixture
def newcomer(django_user_model):
    return make_staff(django_user_model, "agent", "newcomer")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Refused links are counted per address in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


def refusals(detail_contains: str):
    return AuditEntry.objects.filter(
        action=Action.DENIED, detail__contains=detail_contains
    )


def set_up_with(client) -> None:
    key = key_on(client.get(ENROL).content.decode())
    assert client.post(ENROL, {"token": code_from(key)}).status_code == 302


# --- Link and password: both orders ------------------------------------------


def test_the_link_then_the_password_sets_up_the_app_and_ends_the_link(newcomer):
    client = Client()
    link = setup_link_for(newcomer)
    client.get(link)
    sign_in(client, newcomer)
    set_up_with(client)

    assert TOTPDevice.objects.get(user=newcomer).confirmed
    assert client.get("/admin/casework/case/").status_code == 200
    ended = SetupLink.objects.get(user=newcomer)
    assert ended.ended_because == SetupLink.Ended.SET_UP
    assert AuditEntry.objects.filter(
        user=newcomer, action=Action.CHANGE, detail="Signed in with a set-up link"
    ).exists()
    # Opened again later, it says it was used.
    again = Client().get(link)
    assert again.status_code == 410
    assert "This set-up link has been used" in again.content.decode()


def test_the_password_then_the_link_leads_straight_to_the_set_up_page(newcomer):
    client = Client()
    link = setup_link_for(newcomer)
    sign_in(client, newcomer)
    assert client.get(ENROL).status_code == 403

    assert client.get(link)["Location"] == ENROL
    set_up_with(client)
    assert TOTPDevice.objects.get(user=newcomer).confirmed


def test_the_password_alone_is_told_to_ask_a_supervisor(newcomer):
    setup_link_for(newcomer)  # a live link exists, but this browser never opened it
    client = Client()
    response = client.get(sign_in(client, newcomer)["Location"], follow=True)
    assert response.redirect_chain[-1][0].startswith(ENROL)

    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Ask a supervisor for a set-up link</h1>" in html
    assert "Open the link in this browser, then sign in with your password" in html
    assert 'class="hr-key"' not in html
    assert not TOTPDevice.objects.filter(user=newcomer).exists()
    entry = refusals("no set-up link was opened").get()
    assert entry.user == newcomer
    assert entry.object_reference == "newcomer"
    # Nothing else in admin opens either.
    assert client.get("/admin/casework/case/")["Location"].startswith(ENROL)


def test_the_password_alone_is_audited_once_a_session_however_often_it_asks(
    newcomer,
):
    """Every admin address leads to the set-up page: each visit writing an
    entry would let someone with only the password fill the audit trail."""
    client = Client()
    sign_in(client, newcomer)
    for path in [ENROL, ENROL, "/admin/", "/admin/casework/case/", ENROL]:
        assert client.get(path, follow=True).status_code == 403
    assert refusals("no set-up link was opened").count() == 1

    # Signing in again is another session: recorded again, once.
    client.post("/admin/logout/")
    sign_in(client, newcomer)
    for _ in range(3):
        assert client.get(ENROL).status_code == 403
    assert refusals("no set-up link was opened").count() == 2


def test_a_link_without_the_password_only_asks_for_the_password(newcomer):
    client = Client()
    response = client.get(setup_link_for(newcomer))
    assert response["Location"].startswith("/admin/login/")
    assert client.get(ENROL)["Location"].startswith("/admin/login/")
    wrong = client.post(
        "/admin/login/?next=/admin/authenticator/",
        {"username": "newcomer", "password": "not-their-password", "otp_token": ""},
    )
    assert wrong.status_code == 200
    assert client.get(ENROL)["Location"].startswith("/admin/login/")
    assert not TOTPDevice.objects.filter(user=newcomer).exists()


def test_the_link_does_not_say_whose_account_it_is_before_sign_in(newcomer):
    """A forwarded or scanned link would otherwise tell whoever opens it
    a staff username."""
    client = Client()
    response = client.get(setup_link_for(newcomer), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/admin/login/")
    assert "newcomer" not in html
    assert "newcomer" not in str(client.cookies)
    assert "This is a set-up link for a staff account" in html
    assert "Sign in with your own username and password" in html


# --- A session cookie set in the newcomer's browser by someone else ----------


def plant_session_of(client, in_browser) -> None:
    """Someone sets their own session cookie in another person's browser (a
    shared computer, a neighbouring subdomain's cookie): both now send it."""
    in_browser.cookies[django_settings.SESSION_COOKIE_NAME] = client.session.session_key


def test_a_planted_session_does_not_carry_the_link_to_whoever_planted_it(newcomer):
    someone = Client()
    browser = Client()
    plant_session_of(someone, in_browser=browser)
    browser.get(setup_link_for(newcomer))

    # They know the password, and sign in with the cookie they planted.
    sign_in(someone, newcomer)
    response = someone.get(ENROL)
    assert response.status_code == 403
    assert 'class="hr-key"' not in response.content.decode()
    # The newcomer, signing in in their own browser, sets up the app.
    sign_in(browser, newcomer)
    set_up_with(browser)
    assert TOTPDevice.objects.get(user=newcomer).confirmed


def test_a_planted_signed_in_session_is_not_shared_once_the_link_is_opened(
    newcomer,
):
    someone = Client()
    sign_in(someone, newcomer)
    browser = Client()
    plant_session_of(someone, in_browser=browser)

    assert browser.get(setup_link_for(newcomer))["Location"] == ENROL
    key = key_on(browser.get(ENROL).content.decode())

    # The session they signed in is no longer the one that has the link.
    response = someone.get(ENROL)
    assert response["Location"].startswith("/admin/login/")
    sign_in(someone, newcomer)
    assert key not in someone.get(ENROL).content.decode()
    assert TOTPDevice.objects.filter(user=newcomer).count() == 1


# --- Links that do not work --------------------------------------------------


def test_an_expired_link_is_refused_and_audited(newcomer, settings):
    link = setup_link_for(newcomer, now=timezone.now() - timedelta(hours=25))
    response = Client().get(link)
    html = response.content.decode()
    assert response.status_code == 410
    assert "This set-up link has expired" in html
    assert "Set-up links work for 24 hours after they are made." in html
    assert "Ask a supervisor for a new set-up link" in html
    assert refusals("the link has expired").get().object_reference == "newcomer"


def test_a_link_that_expires_between_opening_and_signing_in_is_refused(newcomer):
    client = Client()
    client.get(setup_link_for(newcomer))
    SetupLink.objects.filter(user=newcomer).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    sign_in(client, newcomer)
    response = client.get(ENROL)
    assert response.status_code == 403
    assert "This set-up link has expired" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=newcomer).exists()


def expire_links_of(user) -> None:
    SetupLink.objects.filter(user=user).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_link_taken_but_not_finished_stops_working_when_it_expires(newcomer):
    client = Client()
    client.get(setup_link_for(newcomer))
    sign_in(client, newcomer)
    key = key_on(client.get(ENROL).content.decode())
    expire_links_of(newcomer)

    response = client.get(ENROL)
    assert response.status_code == 403
    assert "This set-up link has expired" in response.content.decode()
    assert client.post(ENROL, {"token": code_from(key)}).status_code == 403
    assert not TOTPDevice.objects.filter(user=newcomer, confirmed=True).exists()
    assert refusals("the link has expired").filter(user=newcomer).exists()


def test_a_code_is_not_accepted_once_the_taken_link_has_expired(newcomer):
    """The check made as the code is confirmed, under the link's lock (the
    page checked it a moment before, but the link may expire in between)."""
    client = Client()
    client.get(setup_link_for(newcomer))
    sign_in(client, newcomer)
    key = key_on(client.get(ENROL).content.decode())
    expire_links_of(newcomer)

    check = confirm_enrolment(
        user=newcomer,
        session=client.session,
        token=code_from(key),
        now=timezone.now(),
    )
    assert check.link_ended
    assert not TOTPDevice.objects.filter(user=newcomer, confirmed=True).exists()


def test_the_expiry_is_a_setting(newcomer, settings):
    settings.AUTHENTICATOR_SETUP_LINK_VALID_FOR = timedelta(hours=2)
    link = setup_link_for(newcomer, now=timezone.now() - timedelta(hours=3))
    html = Client().get(link).content.decode()
    assert "Set-up links work for 2 hours after they are made." in html


def test_a_link_used_by_one_browser_is_refused_in_another(newcomer):
    link = setup_link_for(newcomer)
    first = Client()
    first.get(link)
    sign_in(first, newcomer)
    assert first.get(ENROL).status_code == 200

    second = Client()
    response = second.get(link)
    assert response.status_code == 410
    assert "This set-up link has been used" in response.content.decode()
    assert refusals("the link was used already").exists()
    # Signing in there anyway shows no key.
    sign_in(second, newcomer)
    assert second.get(ENROL).status_code == 403


def test_a_link_opened_in_two_browsers_works_only_in_the_first_to_sign_in(
    newcomer,
):
    link = setup_link_for(newcomer)
    first, second = Client(), Client()
    first.get(link)
    second.get(link)
    sign_in(first, newcomer)
    sign_in(second, newcomer)
    assert first.get(ENROL).status_code == 200
    response = second.get(ENROL)
    assert response.status_code == 403
    assert "This set-up link has been used" in response.content.decode()


def test_a_link_replaced_by_a_newer_one_is_refused(newcomer):
    older = setup_link_for(newcomer)
    newer = setup_link_for(newcomer)
    response = Client().get(older)
    assert response.status_code == 410
    assert "This set-up link has been replaced" in response.content.decode()
    assert "Use the newest link you were given" in response.content.decode()
    assert refusals("a newer link was issued since").exists()
    assert Client().get(newer)["Location"].startswith("/admin/login/")


def test_a_link_for_another_account_does_not_set_up_this_one(
    newcomer, django_user_model
):
    other = make_staff(django_user_model, "agent", "other-newcomer")
    client = Client()
    client.get(setup_link_for(other))
    sign_in(client, newcomer)
    response = client.get(ENROL)
    assert response.status_code == 403
    assert "This set-up link is for another account" in response.content.decode()
    assert refusals("the link is for another account").get().user == newcomer
    assert not TOTPDevice.objects.filter(user=newcomer).exists()
    # The other person's link is still theirs to use.
    assert SetupLink.objects.get(user=other).used_at is None


def test_a_link_opened_while_signed_in_as_someone_else_is_refused(newcomer, staff):
    supervisor = staff("supervisor")
    response = supervisor.get(setup_link_for(newcomer))
    assert response.status_code == 403
    html = response.content.decode()
    assert "This set-up link is for another account" in html
    assert "Sign out, then open the link again" in html
    assert refusals("the link is for another account").get().user == supervisor.user


def test_an_unknown_link_is_refused_and_audited(newcomer):
    response = Client().get(f"{LINK}?token=not-a-real-token")
    assert response.status_code == 404
    assert "This set-up link does not work" in response.content.decode()
    entry = refusals("the link matches none issued").get()
    assert entry.user is None
    assert entry.object_id == ""


def test_many_refused_links_from_one_address_stop_being_checked(newcomer):
    client = Client()
    for _ in range(31):
        client.get(f"{LINK}?token=guess", REMOTE_ADDR="198.51.100.9")
    response = client.get(setup_link_for(newcomer), REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 429
    assert "Too many set-up links tried" in response.content.decode()
    assert refusals("the link matches none issued").count() == 31
    # Another address is not held up.
    other = Client().get(setup_link_for(newcomer), REMOTE_ADDR="198.51.100.10")
    assert other.status_code == 302


# --- A reset or a newer link part-way through ---------------------------------


def test_a_reset_while_setting_up_ends_that_session_s_link(newcomer, staff):
    client = Client()
    client.get(setup_link_for(newcomer))
    sign_in(client, newcomer)
    key = key_on(client.get(ENROL).content.decode())

    staff("supervisor").post(
        f"/admin/casework/staffmember/{newcomer.staff_member.pk}/reset-authenticator/"
    )

    response = client.get(ENROL)
    assert response.status_code == 403
    assert "This set-up link has been replaced" in response.content.decode()
    # A code from the key it was shown before sets up nothing either.
    refused = client.post(ENROL, {"token": code_from(key)})
    assert refused.status_code == 403
    assert not TOTPDevice.objects.filter(user=newcomer, confirmed=True).exists()


def test_a_newer_link_while_setting_up_stops_the_code_being_accepted(newcomer):
    client = Client()
    client.get(setup_link_for(newcomer))
    sign_in(client, newcomer)
    key = key_on(client.get(ENROL).content.decode())
    newer = setup_link_for(newcomer)

    response = client.post(ENROL, {"token": code_from(key)})
    assert response.status_code == 403
    assert "This set-up link has been replaced" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=newcomer, confirmed=True).exists()
    # The newer link, in the same signed-in browser, sets up the app.
    assert client.get(newer)["Location"] == ENROL
    set_up_with(client)
    assert TOTPDevice.objects.get(user=newcomer).confirmed


# --- What a supervisor sees --------------------------------------------------


def issue_url(user) -> str:
    return f"/admin/casework/staffmember/{user.staff_member.pk}/reset-authenticator/"


def test_a_supervisor_makes_a_link_for_a_newcomer_and_sees_it_once(newcomer, staff):
    supervisor = staff("supervisor")
    record = supervisor.get(
        f"/admin/casework/staffmember/{newcomer.staff_member.pk}/change/"
    ).content.decode()
    assert "Create set-up link" in record
    confirm = supervisor.get(issue_url(newcomer)).content.decode()
    assert "<h1>Create a set-up link for Agent Tester</h1>" in confirm

    html = supervisor.post(issue_url(newcomer)).content.decode()
    link = link_on(html)
    assert "Copy it now: it is shown only this once" in html
    assert re.search(r"It works once, until \d+ \w+ \d{4}, \d\d:\d\d", html)
    assert "has been reset" not in html  # there was no app to reset

    token = link.split("token=")[1]
    stored = SetupLink.objects.get(user=newcomer)
    assert stored.token_hash == hash_token(token)
    assert token not in str(SetupLink.objects.values().get())
    assert stored.issued_by == supervisor.user
    entry = AuditEntry.objects.get(
        user=supervisor.user, detail__startswith="Issued an authenticator set-up link"
    )
    assert entry.object_reference == "newcomer"
    # Shown once: the staff record and the confirm page do not show it again.
    for url in [
        issue_url(newcomer),
        f"/admin/casework/staffmember/{newcomer.staff_member.pk}/change/",
    ]:
        assert token not in supervisor.get(url).content.decode()
    # The staff list says a link is waiting to be used.
    listing = supervisor.get("/admin/casework/staffmember/").content.decode()
    assert "set-up link not used yet" in listing

    client = Client()
    client.get(link)
    sign_in(client, newcomer)
    set_up_with(client)
    assert TOTPDevice.objects.get(user=newcomer).confirmed


def test_staff_in_no_team_are_on_the_staff_page_and_can_be_given_a_link(
    django_user_model, staff
):
    editor = make_staff(django_user_model, "editor", "new-editor")
    supervisor = staff("supervisor")
    listing = supervisor.get("/admin/casework/staffmember/").content.decode()
    assert "new-editor" in listing

    link = link_on(supervisor.post(issue_url(editor)).content.decode())
    client = Client()
    client.get(link)
    sign_in(client, editor)
    set_up_with(client)
    assert TOTPDevice.objects.get(user=editor).confirmed


def test_staff_accounts_made_before_are_put_on_the_staff_page(django_user_model):
    """The migration's function, given the models as they were before it
    (as `migrate` gives them: none of today's methods, managers or signals,
    such as the one that now makes the row when a staff account is saved)."""
    add_staff_members = importlib.import_module(
        "casework.migrations.0010_every_staff_account_is_a_staff_member"
    ).add_staff_members
    models_before = (
        MigrationExecutor(connection)
        .loader.project_state(("casework", "0009_authenticator_setup_links"))
        .apps
    )
    editor = make_staff(django_user_model, "editor", "older-editor")
    StaffMember.objects.filter(user=editor).delete()
    django_user_model.objects.create_user("not-staff", password="x" * 20)

    add_staff_members(models_before, None)  # it makes no schema change

    assert StaffMember.objects.get(user=editor).team is None
    assert not StaffMember.objects.filter(user__username="not-staff").exists()


@pytest.mark.parametrize("role", ["agent", "intelligence", "investigator", "editor"])
def test_only_supervisors_may_make_a_link_and_a_refusal_is_audited(
    staff, newcomer, role
):
    other = staff(role, f"other-{role}")
    response = other.post(issue_url(newcomer))
    assert response.status_code == 403
    assert not SetupLink.objects.exists()
    assert AuditEntry.objects.filter(
        user=other.user, action=Action.DENIED, object_reference="newcomer"
    ).exists()


def test_a_supervisor_cannot_make_a_link_for_themselves(staff):
    supervisor = staff("supervisor")
    assert supervisor.post(issue_url(supervisor.user)).status_code == 403
    assert not SetupLink.objects.exists()


# --- Expiry recorded -----------------------------------------------------------


def test_links_that_expire_unused_are_ended_and_audited(newcomer, django_user_model):
    setup_link_for(newcomer, now=timezone.now() - timedelta(hours=25))
    other = make_staff(django_user_model, "agent", "still-in-time")
    setup_link_for(other)

    assert end_expired_setup_links() == 1
    assert end_expired_setup_links() == 0

    ended = SetupLink.objects.get(user=newcomer)
    assert ended.ended_because == SetupLink.Ended.EXPIRED
    assert SetupLink.objects.get(user=other).ended_at is None
    entry = AuditEntry.objects.get(detail="A set-up link expired unused")
    assert entry.object_reference == "newcomer"
    assert entry.user is None


def test_links_taken_but_not_finished_by_their_expiry_are_ended_and_audited(
    newcomer,
):
    client = Client()
    client.get(setup_link_for(newcomer, now=timezone.now() - timedelta(hours=23)))
    sign_in(client, newcomer)
    assert client.get(ENROL).status_code == 200
    assert end_expired_setup_links() == 0  # an hour left

    expire_links_of(newcomer)
    assert end_expired_setup_links() == 1
    assert end_expired_setup_links() == 0

    ended = SetupLink.objects.get(user=newcomer)
    assert ended.ended_because == SetupLink.Ended.EXPIRED
    entry = AuditEntry.objects.get(
        detail="A set-up link expired before an app was set up with it"
    )
    assert entry.object_reference == "newcomer"
    assert entry.user is None
    assert "This set-up link has expired" in client.get(ENROL).content.decode()


# --- The command line, for the first account ------------------------------------


def test_the_command_line_prints_a_link_for_the_first_account(
    django_user_model, capsys
):
    admin_user = django_user_model.objects.create_superuser(
        "first-admin", password="a-long-test-password"
    )
    call_command("reset_authenticator", "first-admin")
    printed = capsys.readouterr().out
    link = re.search(r"https?://\S+(/admin/authenticator/link/\?token=\S+)", printed)
    assert link, printed

    client = Client()
    client.get(link.group(1))
    sign_in(client, admin_user)
    set_up_with(client)
    assert TOTPDevice.objects.get(user=admin_user).confirmed
    entry = AuditEntry.objects.get(detail__startswith="Issued an authenticator")
    assert entry.user is None
    assert entry.object_reference == "first-admin"


def test_the_command_line_refuses_an_account_that_is_not_staff(django_user_model):
    django_user_model.objects.create_user("member-of-public", password="x" * 20)
    with pytest.raises(CommandError, match="No active staff account"):
        call_command("reset_authenticator", "member-of-public")
    assert not SetupLink.objects.exists()


def test_making_a_staff_account_points_to_its_set_up_link(django_user_model):
    sysadmin = django_user_model.objects.create_superuser(
        "sysadmin", password="a-long-test-password"
    )
    client = Client()
    client.force_login(sysadmin)
    newcomer = django_user_model.objects.create_user("new-starter", password="x" * 20)
    response = client.post(
        f"/admin/auth/user/{newcomer.pk}/change/",
        {
            "username": "new-starter",
            "is_active": "on",
            "is_staff": "on",
            "date_joined_0": "2026-11-29",
            "date_joined_1": "09:00:00",
        },
        follow=True,
    )
    html = response.content.decode()
    member = StaffMember.objects.get(user=newcomer)
    assert "The account new-starter has no authenticator app yet" in html
    assert (
        f'href="/admin/casework/staffmember/{member.pk}/reset-authenticator/"' in html
    )


def test_a_link_deleted_with_its_account_is_refused_as_unknown(
    newcomer, django_user_model
):
    other = make_staff(django_user_model, "agent", "leaver")
    client = Client()
    client.get(setup_link_for(other))
    other.delete()
    sign_in(client, newcomer)
    response = client.get(ENROL)
    assert response.status_code == 403
    assert "This set-up link does not work" in response.content.decode()
