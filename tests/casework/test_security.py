"""Staff security: two factors for every admin sign-in, lockout after
repeated failures, an idle timeout, strong passwords."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.casework.staff import make_staff

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/casework/case/"
PASSWORD = "a-long-test-password"


@pytest.fixture
def supervisor(django_user_model):
    user = make_staff(django_user_model, "supervisor")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def code_for(user, *, drift: int = 0) -> str:
    device = TOTPDevice.objects.get(user=user)
    return str(totp(device.bin_key, t0=device.t0 - drift * device.step)).zfill(6)


def sign_in(client, user, code):
    return client.post(
        LOGIN,
        {"username": user.username, "password": PASSWORD, "otp_token": code},
        REMOTE_ADDR="192.0.2.10",
    )


def test_password_and_code_open_admin(supervisor):
    client = Client()
    response = sign_in(client, supervisor, code_for(supervisor))
    assert response.status_code == 302
    assert response["Location"] == "/admin/casework/case/"
    assert client.get("/admin/casework/case/").status_code == 200


def test_the_password_alone_does_not_sign_in(supervisor):
    client = Client()
    response = sign_in(client, supervisor, "")
    assert response.status_code == 200
    assert "Enter the 6-digit code" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_wrong_code_does_not_sign_in(supervisor):
    client = Client()
    wrong = str((int(code_for(supervisor)) + 1) % 1_000_000).zfill(6)
    response = sign_in(client, supervisor, wrong)
    assert "The code is wrong or too old" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_staff_without_an_authenticator_get_only_the_set_up_page(django_user_model):
    """The password alone opens no admin page: it leads to setting up an app
    (tests/casework/test_authenticator_enrolment.py has the whole flow)."""
    user = make_staff(django_user_model, "agent")
    client = Client()
    response = sign_in(client, user, "123456")
    assert response.status_code == 302
    for path in ["/admin/", "/admin/casework/case/"]:
        assert client.get(path)["Location"].startswith("/admin/authenticator/")


def test_a_session_signed_in_without_the_code_cannot_reach_admin(supervisor):
    """As if some other page signed staff in with a password only."""
    client = Client()
    client_session = client.session
    client_session[SESSION_KEY] = str(supervisor.pk)
    client_session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    client_session["_auth_user_hash"] = supervisor.get_session_auth_hash()
    client_session.save()
    for path in ["/admin/", "/admin/casework/case/", "/admin/casework/auditentry/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/login/")


def test_five_failures_lock_the_account_even_with_the_right_details(supervisor):
    client = Client()
    for _ in range(5):
        client.post(
            LOGIN,
            {"username": supervisor.username, "password": "wrong", "otp_token": "1"},
            REMOTE_ADDR="192.0.2.10",
        )
    response = sign_in(client, supervisor, code_for(supervisor))
    assert response.status_code == 429
    assert "Account locked" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_wrong_codes_count_towards_the_lockout(supervisor):
    from axes.models import AccessAttempt

    client = Client()
    sign_in(client, supervisor, "000000" if code_for(supervisor) != "000000" else "1")
    attempt = AccessAttempt.objects.get(username=supervisor.username)
    assert attempt.failures_since_start == 1


def test_a_staff_session_ends_after_the_idle_time(supervisor, settings):
    settings.STAFF_IDLE_TIMEOUT = timedelta(minutes=30)
    client = Client()
    client.force_login(supervisor)
    client.get("/admin/")
    assert client.session.get_expiry_age() == 30 * 60
    # With nothing done for the idle time, the next request finds nobody
    # signed in (a second stands in for the thirty minutes).
    settings.STAFF_IDLE_TIMEOUT = timedelta(seconds=1)
    assert client.get("/admin/").status_code == 200
    time.sleep(1.5)
    response = client.get("/admin/casework/case/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_publics_sessions_are_not_given_the_staff_timeout(client, settings):
    client.post("/report/emergency/", {"emergency": "no"})
    session = client.session
    assert session.keys()
    assert session.get_expiry_age() == settings.SESSION_COOKIE_AGE


@pytest.mark.parametrize(
    "password", ["short1", "password1234", "123456789012", "supervisor-tester"]
)
def test_weak_passwords_are_refused(django_user_model, password):
    user = django_user_model(username="supervisor", first_name="Supervisor")
    with pytest.raises(ValidationError):
        validate_password(password, user)
