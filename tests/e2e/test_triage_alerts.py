"""A notice reaches every open admin page at once (static/src/js/staff-alerts.js).

Websockets need daphne, so the site runs in a process of its own, as in
test_chat.py (whose server helpers this uses). One supervisor has the
dashboard open; another posts an urgent notice; the first sees it appear,
announced as an alert, with its link.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, SCREENSHOTS
from tests.e2e.test_chat import (
    REPO_ROOT,
    _free_socket,
    _manage,
    _wait_until_healthy,
)

pytestmark = pytest.mark.e2e

SETUP = """
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from casework.roles import CONTROL_ROOM_SUPERVISOR, seed_roles

group = seed_roles()[CONTROL_ROOM_SUPERVISOR]
for name in ["watching", "posting"]:
    user = User.objects.create_user(username=name, is_staff=True, password=None)
    user.groups.add(group)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    print("SESSION", name, session.session_key)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[str, dict]]:
    folder = tmp_path_factory.mktemp("alerts-site")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "hertsreport.settings",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "DEBUG": "true",
            "SECRET_KEY": "e2e-alerts-secret-key-only-for-this-test-server",
            "EMAIL_FILE_PATH": str(folder / "mail"),
            "MEDIA_ROOT": str(folder / "media"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    _manage(env, "migrate", "--noinput", "--verbosity", "0")
    printed = _manage(env, "shell", "--command", SETUP)
    sessions = dict(re.findall(r"SESSION (\w+) (\w+)", printed))
    sock = _free_socket()
    log = folder / "daphne.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                f"--fd={sock.fileno()}",
                "hertsreport.asgi:application",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            pass_fds=(sock.fileno(),),
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()
    try:
        _wait_until_healthy(url, server, log)
        yield url, sessions
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def signed_in_page(browser, url: str, session: str):
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    context.add_cookies([{"name": "sessionid", "value": session, "url": url}])
    return context.new_page()


def test_an_urgent_notice_appears_on_an_open_admin_page(browser, site):
    url, sessions = site
    watching = signed_in_page(browser, url, sessions["watching"])
    with watching.expect_websocket() as socket_opened:
        watching.goto(f"{url}/admin/")
    socket = socket_opened.value
    assert socket.url.endswith("/ws/staff/alerts/")
    expect(watching.get_by_role("heading", name="Work queues")).to_be_visible()
    watching.wait_for_timeout(500)  # the consumer has accepted the socket

    posting = signed_in_page(browser, url, sessions["posting"])
    posting.goto(f"{url}/admin/casework/staffnotice/add/")
    posting.get_by_label("Text").fill(
        "Urgent priority report CR-26-000123-X: Hate crime"
    )
    posting.get_by_label("Level").select_option(label="Urgent")
    posting.get_by_label("Link").fill("/admin/casework/case/?queue=new")
    posting.get_by_role("button", name="Save", exact=True).click()

    alert = watching.get_by_role("alert")
    expect(alert).to_contain_text("Urgent priority report CR-26-000123-X")
    expect(alert.get_by_role("link", name="Open")).to_have_attribute(
        "href", "/admin/casework/case/?queue=new"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    watching.screenshot(path=SCREENSHOTS / "triage-alert.png")
    alert.get_by_role("button", name="Dismiss").click()
    expect(alert).not_to_contain_text("CR-26-000123-X")
    watching.context.close()
    posting.context.close()
