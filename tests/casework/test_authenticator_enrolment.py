"""Staff set up their own authenticator app at first sign-in, with a set-up
link from a supervisor and their password; a supervisor resets a colleague's
app so they set it up again. Through the real sign-in form: no session is
marked verified by hand here. The links' own rules are in
test_authenticator_setup_links.py."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.audit import AuditEntry
from tests.casework.authenticator_apps import (
    ENROL,
    PASSWORD,
    code_from,
    key_on,
    link_on,
    setup_link_for,
    sign_in,
    wrong_code,
)
from tests.casework.staff import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(django_user_model):
    """A new control-room agent: a password, no authenticator app yet."""
    return make_staff(django_user_model, "agent", "newcomer")


@pytest.fixture
def enrolling(newcomer):
    """The newcomer opened their set-up link and signed in with their
    password: on the set-up page."""
    client = Client()
    client.get(setup_link_for(newcomer))
    response = sign_in(client, newcomer)
    assert response.status_code == 302
    return client


def test_a_set_up_link_then_the_password_lead_a_newcomer_to_set_up_their_app(
    newcomer,
):
    client = Client()
    to_sign_in = client.get(setup_link_for(newcomer))
    assert to_sign_in["Location"].startswith("/admin/login/")
    login_page = client.get(to_sign_in["Location"]).content.decode()
    assert "This is a set-up link for a staff account" in login_page
    response = client.post(
        to_sign_in["Location"],
        {"username": "newcomer", "password": PASSWORD, "otp_token": ""},
    )
    assert response["Location"] == ENROL
    html = client.get(ENROL).content.decode()
    assert "Set up your authenticator app" in html
    # A QR code drawn on the server, with a text alternative, and the key.
    assert re.search(r'<svg role="img" aria-label="QR code to scan', html)
    device = TOTPDevice.objects.get(user=newcomer)
    assert not device.confirmed
    assert key_on(html).replace(" ", "") in device.config_url


def test_a_code_from_the_key_shown_sets_up_the_app_and_opens_admin(newcomer, enrolling):
    page = enrolling.get(f"{ENROL}?next=/admin/casework/case/").content.decode()
    key = key_on(page)
    response = enrolling.post(
        ENROL, {"token": code_from(key), "next": "/admin/casework/case/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/casework/case/"
    listing = enrolling.get("/admin/casework/case/")
    assert listing.status_code == 200
    assert "Your authenticator app is set up" in listing.content.decode()
    device = TOTPDevice.objects.get(user=newcomer)
    assert device.confirmed
    entry = AuditEntry.objects.get(user=newcomer, detail="Set up an authenticator app")
    assert entry.object_reference == "newcomer"
    # The next sign-in asks for a code from the same app.
    later = Client()
    assert sign_in(later, newcomer).status_code == 200
    device.last_t = -1  # the same 30 seconds: let the code be used again
    device.save()
    assert sign_in(later, newcomer, code_from(key))["Location"] == (
        "/admin/casework/case/"
    )


def test_a_wrong_code_is_refused_with_a_clear_error(newcomer, enrolling):
    key = key_on(enrolling.get(ENROL).content.decode())
    response = enrolling.post(ENROL, {"token": wrong_code(key)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "The code is wrong or too old" in html
    assert 'aria-invalid="true"' in html
    assert not TOTPDevice.objects.get(user=newcomer).confirmed
    assert enrolling.get("/admin/casework/case/")["Location"].startswith(ENROL)
    # Counted towards the lockout, as a wrong code at sign-in is.
    assert AccessAttempt.objects.get(username="newcomer").failures_since_start == 1


def test_a_code_that_is_not_six_digits_is_explained(enrolling):
    html = enrolling.post(ENROL, {"token": "12ab"}).content.decode()
    assert "Enter the code as 6 digits" in html
    html = enrolling.post(ENROL, {"token": ""}).content.decode()
    assert "Enter the 6-digit code from your app" in html


def test_after_a_wrong_code_the_next_try_must_wait(newcomer, enrolling):
    key = key_on(enrolling.get(ENROL).content.decode())
    enrolling.post(ENROL, {"token": wrong_code(key)})
    # Even the right code, at once: django-otp's throttle asks for a wait.
    html = enrolling.post(ENROL, {"token": code_from(key)}).content.decode()
    assert "too many wrong codes. Wait 1 second," in html
    assert not TOTPDevice.objects.get(user=newcomer).confirmed
    TOTPDevice.objects.filter(user=newcomer).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
    )
    response = enrolling.post(ENROL, {"token": code_from(key)})
    assert response.status_code == 302


def test_five_wrong_codes_lock_the_account_and_end_the_session(
    newcomer, enrolling, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # count every try, with no wait
    key = key_on(enrolling.get(ENROL).content.decode())
    for _ in range(4):
        assert enrolling.post(ENROL, {"token": wrong_code(key)}).status_code == 200
    response = enrolling.post(ENROL, {"token": wrong_code(key)})
    assert response.status_code == 429
    assert "Account locked" in response.content.decode()
    # Signed out, and the right password is refused for now.
    assert enrolling.get(ENROL)["Location"].startswith("/admin/login/")
    assert sign_in(Client(), newcomer).status_code == 429


def test_codes_mistyped_while_setting_up_do_not_count_after_it(
    newcomer, enrolling, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    key = key_on(enrolling.get(ENROL).content.decode())
    for _ in range(4):
        enrolling.post(ENROL, {"token": wrong_code(key)})
    assert AccessAttempt.objects.get(username="newcomer").failures_since_start == 4
    assert enrolling.post(ENROL, {"token": code_from(key)}).status_code == 302
    assert not AccessAttempt.objects.filter(username="newcomer").exists()


def test_an_account_locked_meanwhile_ends_the_set_up_session(newcomer, enrolling):
    for _ in range(5):
        Client().post(
            "/admin/login/",
            {"username": "newcomer", "password": "wrong", "otp_token": ""},
            REMOTE_ADDR="198.51.100.7",
        )
    response = enrolling.get(ENROL)
    assert response.status_code == 429
    assert "Account locked" in response.content.decode()
    assert enrolling.get(ENROL)["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/casework/case/",
        "/admin/casework/auditentry/",
        "/admin/password_change/",
        "/admin/auth/user/",
        "/admin/login/",
    ],
)
def test_mid_enrolment_no_other_admin_page_opens(enrolling, path):
    response = enrolling.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)


def test_mid_enrolment_staff_can_sign_out(enrolling):
    page = enrolling.get(ENROL).content.decode()
    assert 'action="/admin/logout/"' in page
    enrolling.post("/admin/logout/")
    assert enrolling.get(ENROL)["Location"].startswith("/admin/login/")


def test_staff_with_an_app_are_not_offered_a_new_key(newcomer):
    TOTPDevice.objects.create(user=newcomer, name="phone", confirmed=True)
    client = Client()
    response = sign_in(client, newcomer)
    assert response.status_code == 200
    assert "Enter the 6-digit code" in response.content.decode()
    assert client.get(ENROL)["Location"].startswith("/admin/login/")


def test_someone_else_with_the_password_is_not_shown_a_key(newcomer, enrolling):
    """Only the session that brought the link sees a key; the newcomer's
    confirmed app is then the only one on the account."""
    other = Client()
    sign_in(other, newcomer)
    refused = other.get(ENROL)
    assert refused.status_code == 403
    assert "Ask a supervisor for a set-up link" in refused.content.decode()
    assert 'class="hr-key"' not in refused.content.decode()

    key = key_on(enrolling.get(ENROL).content.decode())
    assert key_on(enrolling.get(ENROL).content.decode()) == key  # a reload keeps it
    assert enrolling.post(ENROL, {"token": code_from(key)}).status_code == 302

    assert TOTPDevice.objects.filter(user=newcomer).count() == 1
    assert other.get("/admin/casework/case/")["Location"].startswith("/admin/login/")


def test_a_double_click_on_confirm_sets_up_once_and_says_no_error(newcomer, enrolling):
    key = key_on(enrolling.get(ENROL).content.decode())
    stale_session = dict(enrolling.session.items())
    first = enrolling.post(ENROL, {"token": code_from(key), "next": "/admin/"})
    # The second click was sent with the session as it was before the first
    # finished: not yet past the second factor.
    session = enrolling.session
    session.clear()
    session.update(stale_session)
    session.save()

    second = enrolling.post(ENROL, {"token": code_from(key), "next": "/admin/"})

    assert first["Location"] == second["Location"] == "/admin/"
    assert not AccessAttempt.objects.filter(username="newcomer").exists()
    assert TOTPDevice.objects.get(user=newcomer).confirmed


# --- Reset by a supervisor --------------------------------------------------


@pytest.fixture
def colleague(django_user_model):
    """An agent with a working app, signed in with it."""
    user = make_staff(django_user_model, "agent", "colleague")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def reset_url(user) -> str:
    return f"/admin/casework/staffmember/{user.staff_member.pk}/reset-authenticator/"


def test_a_supervisor_resets_a_colleagues_app_and_it_is_audited(staff, colleague):
    supervisor = staff("supervisor")
    signed_in_colleague = Client()
    signed_in_colleague.force_login(colleague)
    assert signed_in_colleague.get("/admin/casework/case/").status_code == 200

    member_page = supervisor.get(
        f"/admin/casework/staffmember/{colleague.staff_member.pk}/change/"
    )
    assert "Reset authenticator app" in member_page.content.decode()
    confirm = supervisor.get(reset_url(colleague))
    assert "Their current app stops working at once" in confirm.content.decode()
    response = supervisor.post(reset_url(colleague))
    html = response.content.decode()
    assert "authenticator app has been reset" in html
    assert "Copy it now: it is shown only this once" in html
    link = link_on(html)

    assert not TOTPDevice.objects.filter(user=colleague).exists()
    entry = AuditEntry.objects.get(
        user=supervisor.user, detail="Reset the authenticator app"
    )
    assert entry.action == AuditEntry.Action.CHANGE
    assert entry.object_type == "auth.user"
    assert entry.object_reference == "colleague"
    # Their open session (on the lost phone, say) cannot set up a new app
    # without the password: it is signed out and sent to sign in again.
    to_enrol = signed_in_colleague.get("/admin/casework/case/")["Location"]
    assert to_enrol.startswith(ENROL)
    response = signed_in_colleague.get(to_enrol)
    assert response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in signed_in_colleague.session
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    # With the link and the password they set up the new one.
    signed_in_colleague.get(link)
    sign_in(signed_in_colleague, colleague)
    assert signed_in_colleague.get("/admin/casework/case/")["Location"].startswith(
        ENROL
    )
    key = key_on(signed_in_colleague.get(ENROL).content.decode())
    assert signed_in_colleague.post(ENROL, {"token": code_from(key)}).status_code == 302
    assert signed_in_colleague.get("/admin/casework/case/").status_code == 200


@pytest.mark.parametrize("role", ["agent", "intelligence", "investigator", "editor"])
def test_only_supervisors_may_reset_and_a_refusal_is_audited(staff, colleague, role):
    other = staff(role, f"other-{role}")
    response = other.post(reset_url(colleague))
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=colleague, confirmed=True).exists()
    assert not AuditEntry.objects.filter(detail="Reset the authenticator app").exists()
    assert AuditEntry.objects.filter(
        user=other.user, action=AuditEntry.Action.DENIED, object_reference="colleague"
    ).exists()
    assert other.get(reset_url(colleague)).status_code == 403
    page = other.get(f"/admin/casework/staffmember/{colleague.staff_member.pk}/change/")
    assert "Reset authenticator app" not in page.content.decode()


def test_a_supervisor_cannot_reset_their_own_or_a_superusers_app(
    staff, django_user_model
):
    supervisor = staff("supervisor")
    own = supervisor.post(reset_url(supervisor.user))
    assert own.status_code == 403
    admin_user = make_staff(django_user_model, "agent", "sysadmin")
    admin_user.is_superuser = True
    admin_user.save()
    TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    assert supervisor.post(reset_url(admin_user)).status_code == 403
    assert TOTPDevice.objects.filter(user=admin_user).exists()


def test_supervisors_see_who_has_set_up_an_app(staff, colleague, newcomer):
    html = staff("supervisor").get("/admin/casework/staffmember/").content.decode()
    cells = dict(
        re.findall(r">(\w+)</a></th>.*?field-authenticator_app\">([^<]+)<", html)
    )
    assert cells["colleague"] == "Set up"
    assert cells["newcomer"] == "Not set up"
