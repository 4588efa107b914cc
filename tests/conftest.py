"""Fixtures shared by every test folder."""

import os

import pytest

REAL_SERVICES = bool(os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))


def pytest_collection_modifyitems(config, items):
    """Integration tests need the real PostgreSQL and Redis; say so when skipped."""
    if REAL_SERVICES:
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL"
    )
    for item in items:
        if "integration" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _celery_in_process(request):
    """Run tasks in-process, except where a test drives a real worker.

    With REDIS_URL set Celery would queue to a broker nobody consumes in a
    unit test; the integration tests start a real worker instead.
    """
    if "integration" in request.keywords:
        yield
        return
    from hertsreport.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_routing_data():
    """Each test's districts and teams roll back with it: no process copy may
    outlive the test that read them (casework/reference_data.py)."""
    from casework import reference_data

    reference_data.forget()
    yield
    reference_data.forget()


@pytest.fixture(autouse=True)
def _forget_danger_words():
    """The danger words a process keeps for a few seconds (webchat/messages.py)
    come from one test's database: a rolled-back test must not leave them to
    the next."""
    yield
    from django.core.cache import cache

    from webchat import messages

    messages._held_phrases = None
    cache.delete(messages.DANGER_PHRASES_KEY)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's million rounds are the point in production, not in tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        username="staff", password="a-long-test-password", is_staff=True
    )


@pytest.fixture(autouse=True)
def _force_login_includes_the_second_factor(monkeypatch):
    """Admin asks staff for a password and an authenticator code (casework/
    admin_site.py). `force_login` skips the password, so here it skips the
    code too: the session is marked verified, as the sign-in page would.
    Tests of the sign-in itself use the real form (tests/casework/
    test_security.py)."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if user.is_staff:
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="test")
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


def pytest_sessionfinish(session, exitstatus):
    session.config.hertsreport_exit_status = int(exitstatus)


def pytest_unconfigure(config):
    """Never let a stuck thread keep a finished run from exiting.

    A test that leaves a non-daemon thread behind (a websocket consumer
    waiting on a closed event loop, say) would otherwise hold pytest open
    after its summary until CI's time runs out. Say which threads, then exit
    with the run's own status.
    """
    import os
    import sys
    import threading

    stuck = [
        thread.name
        for thread in threading.enumerate()
        if thread is not threading.main_thread() and not thread.daemon
    ]
    status = getattr(config, "hertsreport_exit_status", None)
    if stuck and status is not None:
        sys.stdout.flush()
        sys.stderr.write(f"Threads still running after the tests: {stuck}\n")
        sys.stderr.flush()
        os._exit(status)
