"""Chat messages that reach a page out of order (static/src/js/chat-sequence.js).

Messages broadcast by two daphne processes can overtake each other on the
way to a page. Here the test plays the site's end of the page's websocket
(Playwright's route_web_socket), so it decides what arrives and in what
order, and it hears every "sync" (a request for everything after a number)
the page sends. Pages come from pytest-django's live server; no real chat
socket is opened.
"""

import json
import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, WebSocketRoute, expect

from webchat import services
from webchat.models import AgentPresence
from webchat.views import CHAT_SESSION_KEY

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# chat-sequence.js's GAP_WAIT_MS: how long an early message waits.
GAP_WAIT_MS = 1500


class ScriptedSocket:
    """The site's end of one websocket of the page, played by the test:
    `opened()` says hello, `answer(event)` answers what the page sends."""

    def __init__(
        self,
        page: Page,
        path: str,
        *,
        opened: Callable[[], None],
        answer: Callable[[dict], None],
    ):
        self.from_page: list[dict] = []
        self._opened, self._answer = opened, answer
        self._route: WebSocketRoute | None = None
        page.route_web_socket(re.compile(re.escape(path) + "$"), self._open)

    def _open(self, route: WebSocketRoute) -> None:
        self._route = route
        route.on_message(self._heard)
        self._opened()

    def _heard(self, frame: str | bytes) -> None:
        event = json.loads(frame)
        self.from_page.append(event)
        self._answer(event)

    def send(self, event: dict) -> None:
        self._route.send(json.dumps(event))

    def syncs(self) -> list[dict]:
        return [event for event in self.from_page if event["type"] == "sync"]


def message(seq: int, sender: str, body: str, conversation: int) -> dict:
    return {
        "seq": seq,
        "sender": sender,
        "body": body,
        "client_id": "",
        "flagged": False,
        "sent_at": "2026-11-29T10:30:00+00:00",
        "conversation": conversation,
    }


def use_session(page: Page, url: str, client: Client) -> None:
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": url}])


def texts(*said: str) -> list[re.Pattern]:
    return [re.compile(re.escape(text)) for text in said]


@pytest.fixture
def agent_client(django_user_model) -> Client:
    agent = django_user_model.objects.create_user(
        username="alex", first_name="Alex", is_staff=True, password=None
    )
    agent.user_permissions.add(Permission.objects.get(codename="answer_chats"))
    AgentPresence.objects.create(agent=agent, status="available", call_sign="Alex")
    client = Client()
    client.force_login(agent)  # with the second factor (tests/conftest.py)
    return client


def test_console_shows_overtaken_messages_once_in_order_asking_only_for_the_lost(
    js_page, live_server, agent_client
):
    page = js_page
    chat = 7
    # What the server has stored, internal notes numbered with the rest.
    stored = {
        1: message(1, "system", "Alex has joined the chat.", chat),
        2: message(2, "citizen", "My bike was stolen", chat),
        3: message(3, "note", "Check the station CCTV", chat),
        4: message(4, "citizen", "Outside Hitchin station", chat),
        5: message(5, "agent", "Where was it taken from?", chat),
    }
    last_stored = 1

    def summary() -> dict:
        return {
            "type": "conversation",
            "conversation": {
                "id": chat,
                "topic": "Advice or information",
                "name": "Jo",
                "status": "active",
                "last_seq": last_stored,
                "dispatch_flagged": False,
                "case_reference": "",
            },
        }

    def opened() -> None:
        socket.send(
            {
                "type": "hello",
                "agent": {"id": 1, "name": "Alex"},
                "presence": {"status": "available", "capacity": 3},
                "canned": [],
                "conversations": [chat],
            }
        )
        socket.send(summary())

    def answer(event: dict) -> None:
        # As webchat/agent_consumer.py answers: what came after, then the chat.
        if event["type"] == "sync":
            for seq in range(event["after"] + 1, last_stored + 1):
                deliver(seq)
            socket.send(summary())

    def deliver(seq: int) -> None:
        socket.send({"type": "message", "message": stored[seq]})

    socket = ScriptedSocket(page, "/ws/agent/", opened=opened, answer=answer)
    # Admin pages also listen for staff notices: that socket opens and is quiet.
    page.route_web_socket(re.compile(r"/ws/staff/alerts/$"), lambda route: None)
    use_session(page, live_server.url, agent_client)
    page.goto(f"{live_server.url}/admin/webchat/console/")

    expect(page.get_by_role("tab", name=re.compile("^Jo"))).to_be_visible()
    said = page.get_by_role("tabpanel").get_by_role("list").get_by_role("listitem")
    expect(said).to_have_text(texts("Alex has joined the chat."))
    assert socket.syncs() == [{"type": "sync", "conversation": chat, "after": 0}]

    # The note overtakes the person's message before it, which comes twice.
    last_stored = 3
    deliver(3)
    deliver(2)
    deliver(2)
    shown = texts(
        "Alex has joined the chat.", "My bike was stolen", "Check the station CCTV"
    )
    expect(said).to_have_text(shown)
    page.wait_for_timeout(GAP_WAIT_MS + 500)
    assert len(socket.syncs()) == 1, "asked again though nothing was missing"
    expect(said).to_have_text(shown)

    # The agent's reply comes; the person's message before it never does.
    last_stored = 5
    deliver(5)
    page.wait_for_timeout(GAP_WAIT_MS / 3)
    assert len(socket.syncs()) == 1, "asked at once instead of waiting"
    expect(said).to_have_text(shown)
    shown = texts(
        "Alex has joined the chat.",
        "My bike was stolen",
        "Check the station CCTV",
        "Outside Hitchin station",
        "Where was it taken from?",
    )
    expect(said).to_have_text(shown)
    assert socket.syncs()[1:] == [{"type": "sync", "conversation": chat, "after": 3}]
    page.wait_for_timeout(GAP_WAIT_MS + 500)
    assert len(socket.syncs()) == 2
    expect(said).to_have_text(shown)


def test_public_page_shows_overtaken_messages_once_in_order_past_agents_notes(
    js_page, live_server
):
    page = js_page
    conversation, token = services.start_conversation(
        topic="advice", display_name="Jo", now=timezone.now()
    )
    person = Client()
    session = person.session
    session[CHAT_SESSION_KEY] = token
    session.save()
    queued = "You are in the queue."  # stored by start_conversation: number 1
    stored = {
        2: message(2, "system", "Alex has joined the chat.", conversation.pk),
        3: message(3, "note", "Check the station CCTV", conversation.pk),
        4: message(4, "agent", "Where was it taken from?", conversation.pk),
        5: message(5, "agent", "Was it locked?", conversation.pk),
        6: message(6, "agent", "Did anyone see it happen?", conversation.pk),
    }
    last_stored = 1

    def opened() -> None:
        socket.send({"type": "hello", "status": "active", "last_seq": last_stored})

    def answer(event: dict) -> None:
        # As webchat/consumers.py answers: the numbers notes took, then the rest.
        if event["type"] == "sync":
            after = range(event["after"] + 1, last_stored + 1)
            notes = [seq for seq in after if stored[seq]["sender"] == "note"]
            if notes:
                socket.send({"type": "skip", "seqs": notes})
            for seq in after:
                if seq not in notes:
                    deliver(seq)

    def deliver(seq: int) -> None:
        socket.send({"type": "message", "message": stored[seq]})

    socket = ScriptedSocket(page, "/ws/chat/", opened=opened, answer=answer)
    use_session(page, live_server.url, person)
    page.goto(f"{live_server.url}/chat/conversation/")
    said = page.get_by_role("list", name="Messages").get_by_role("listitem")
    expect(said).to_have_text(texts(queued))
    page.wait_for_timeout(200)
    assert socket.syncs() == [{"type": "sync", "after": 1}]

    # The agent's question overtakes their joining; a note between them is
    # never sent here, so the page asks once, and learns the note's number.
    last_stored = 4
    deliver(4)
    deliver(2)
    expect(said).to_have_text(texts(queued, "Alex has joined the chat."))
    shown = texts(queued, "Alex has joined the chat.", "Where was it taken from?")
    expect(said).to_have_text(shown)
    assert socket.syncs()[1:] == [{"type": "sync", "after": 2}]
    expect(said).to_have_text(shown)

    # Two questions swap places on the way.
    last_stored = 6
    deliver(6)
    deliver(5)
    shown += texts("Was it locked?", "Did anyone see it happen?")
    expect(said).to_have_text(shown)
    page.wait_for_timeout(GAP_WAIT_MS + 500)
    assert len(socket.syncs()) == 2, "asked again though nothing was missing"
    expect(said).to_have_text(shown)

    # The last question's broadcast is lost, and the chat goes quiet: the
    # answer to the page's next heartbeat says how far the chat has gone,
    # and the page asks for what it has not had.
    stored[7] = message(7, "agent", "Are you still there?", conversation.pk)
    last_stored = 7
    socket.send({"type": "pong", "last_seq": 7})
    shown += texts("Are you still there?")
    expect(said).to_have_text(shown)
    assert socket.syncs()[2:] == [{"type": "sync", "after": 6}]
