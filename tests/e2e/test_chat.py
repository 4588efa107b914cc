"""Web chat in two browsers: a member of the public and a control-room agent.

pytest-django's live_server speaks WSGI, so it has no websockets; this module
runs the site under daphne instead, in a process of its own, on the embedded
defaults (a SQLite file, the in-memory channel layer, Celery in-process).
That database is the server's own, made with `migrate` and a short setup
script (an agent, opening hours, the agent's signed-in session): the test
drives everything through the two browsers, as people would.
"""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 60.0
SECRET_KEY = "e2e-chat-secret-key-only-for-this-test-server"

# Run by `manage.py shell` against the server's database; prints the agent's
# session key. Signing in through the session, not the login form, keeps the
# test about chat (the admin login has tests of its own).
SETUP = """
from datetime import time
from django.apps import apps
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Permission, User
from django.contrib.sessions.backends.db import SessionStore
from webchat.models import AgentPresence, OpeningHours

for day in range(7):
    OpeningHours.objects.update_or_create(
        day=day, defaults={"opens": time(0, 0), "closes": time(23, 59, 59)}
    )
agent = User.objects.create_user(
    username="alex", first_name="Alex", is_staff=True, password=None
)
agent.user_permissions.add(Permission.objects.get(codename="answer_chats"))
AgentPresence.objects.create(agent=agent, status="available", call_sign="Alex")
session = SessionStore()
session[SESSION_KEY] = str(agent.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
if apps.is_installed("django_otp"):  # admin asks for a second factor
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=agent, name="phone", confirmed=True)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.create()
print("SESSION", session.session_key)
"""


@dataclass
class ChatSite:
    url: str
    agent_session: str


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {args[0]} failed:\n{result.stderr}"
    return result.stdout


def _wait_until_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline and server.poll() is None:
        # S310: always http://127.0.0.1:<port>.
        healthz = f"{url}/healthz"
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(healthz, timeout=2),  # noqa: S310
        ):
            return
        time.sleep(0.2)
    pytest.fail(f"daphne never answered at {url}:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="module")
def chat_site(tmp_path_factory) -> Iterator[ChatSite]:
    folder = tmp_path_factory.mktemp("chat-site")
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
            "SECRET_KEY": SECRET_KEY,
            "EMAIL_FILE_PATH": str(folder / "mail"),
            "MEDIA_ROOT": str(folder / "media"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    _manage(env, "migrate", "--noinput", "--verbosity", "0")
    printed = _manage(env, "shell", "--command", SETUP)
    session_key = re.search(r"SESSION (\w+)", printed).group(1)

    sock = _free_socket()
    port = sock.getsockname()[1]
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
    sock.close()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, server, log)
        yield ChatSite(url=url, agent_session=session_key)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def _page(browser: Browser, size: dict, errors: list[str]) -> Page:
    context = browser.new_context(viewport=size, locale="en-GB")
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.url} answered {response.status}")
            if response.status >= 400
            else None
        ),
    )
    return page


def _screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"chat-{name}.png", full_page=True)


def test_a_chat_between_a_citizen_and_an_agent(browser, chat_site):
    errors: list[str] = []
    person = _page(browser, PHONE, errors)
    agent = _page(browser, DESKTOP, errors)
    agent.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": chat_site.agent_session,
                "url": chat_site.url,
            }
        ]
    )
    agent.on("dialog", lambda dialog: dialog.accept())

    agent.goto(f"{chat_site.url}/admin/webchat/console/")
    expect(agent.get_by_text("Connected", exact=True)).to_be_visible()

    # The person starts a chat and joins the queue.
    person.goto(f"{chat_site.url}/chat/")
    expect(person.get_by_role("heading", level=1)).to_have_text("Chat with us")
    assert_no_axe_violations(person)
    person.get_by_label("Advice or information").check()
    person.get_by_label("What should we call you? (optional)").fill("Jo")
    person.get_by_role("button", name="Start chat").click()
    expect(person).to_have_url(f"{chat_site.url}/chat/conversation/")
    expect(person.get_by_text("You are number 1 in the queue")).to_be_visible()
    assert_no_axe_violations(person)

    # The agent sees them waiting and accepts.
    queue = agent.get_by_role("table", name="People waiting, longest first")
    expect(queue.get_by_role("cell", name="Jo")).to_be_visible()
    agent.get_by_role("button", name="Accept next chat").click()
    expect(agent.get_by_role("tab", name=re.compile("^Jo"))).to_be_visible()
    chat = agent.get_by_role("tabpanel")
    log = person.get_by_role("list", name="Messages")
    expect(log).to_contain_text("Alex has joined the chat.")

    # Messages both ways, with an internal note the person never sees.
    person.get_by_label("Your message").fill("My bike was stolen")
    person.get_by_role("button", name="Send").click()
    expect(chat.get_by_text("My bike was stolen")).to_be_visible()
    chat.get_by_label("Internal note").fill("Check the station CCTV")
    chat.get_by_role("button", name="Add note").click()
    expect(chat.get_by_text("Check the station CCTV")).to_be_visible()
    reply = chat.get_by_label("Reply", exact=True)
    reply.fill("Sorry to hear that. Where was it taken from?")
    chat.get_by_role("button", name="Send", exact=True).click()
    expect(log).to_contain_text("Where was it taken from?")
    person.get_by_label("Your message").fill("Outside Hitchin station")
    person.get_by_role("button", name="Send").click()
    expect(chat.get_by_text("Outside Hitchin station")).to_be_visible()
    # Each side shows what it sent once, from the server's answer, no longer
    # "Sending…".
    expect(log.get_by_role("listitem").filter(has_text="Hitchin")).to_have_count(1)
    expect(chat.get_by_text("Where was it taken from?")).to_have_count(1)
    expect(chat.get_by_text("Sending…")).to_have_count(0)
    _screenshot(agent, "console")
    _screenshot(person, "conversation")

    # A reload reconnects, and shows the whole conversation once.
    person.reload()
    chat.get_by_label("Reply", exact=True).fill("Thank you. I will write that down.")
    chat.get_by_role("button", name="Send", exact=True).click()
    expect(log).to_contain_text("I will write that down.")
    expect(log).not_to_contain_text("CCTV")
    for said in [
        "Alex has joined the chat.",
        "My bike was stolen",
        "Where was it taken from?",
        "Outside Hitchin station",
        "I will write that down.",
    ]:
        expect(log.get_by_role("listitem").filter(has_text=said)).to_have_count(1)
    assert_no_axe_violations(person)

    # The agent ends the chat; the person lands on the page that says so.
    chat.get_by_role("button", name="End chat").click()
    expect(person).to_have_url(f"{chat_site.url}/chat/ended/")
    expect(person.get_by_role("heading", level=1)).to_have_text("Your chat has ended")
    expect(chat.get_by_role("button", name="Close")).to_be_visible()
    assert_no_axe_violations(person)
    _screenshot(person, "ended")
    assert not errors, errors

    person.context.close()
    agent.context.close()
