"""The production topology on real PostgreSQL and Redis, without Docker.

gunicorn serves pages; two daphne processes serve websockets; a Celery worker
runs the tasks. A staff notice posted here travels test process -> Redis
broker -> worker -> Redis channel layer -> both daphne processes -> browsers.
"""

import asyncio
import json
import time
import urllib.request
import uuid
from html.parser import HTMLParser

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.test import Client
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from casework.consumers import CLOSE_FORBIDDEN
from casework.models import StaffNotice
from casework.services import post_staff_notice

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ALERTS_PATH = "/ws/staff/alerts/"
FOREIGN_ORIGIN = "http://evil.example"
TIMEOUT = 15.0


class PageReader(HTMLParser):
    """The text of each h1 and the stylesheets a page links to."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.stylesheets: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "h1":
            self._in_h1 = True
            self.headings.append("")
        elif tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes["href"])

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.headings[-1] += data

    @classmethod
    def read(cls, html: str) -> "PageReader":
        reader = cls()
        reader.feed(html)
        reader.headings = [" ".join(text.split()) for text in reader.headings]
        return reader


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as reply:
        return reply.status, reply.read()


def alerts_url(port: int) -> str:
    return f"ws://127.0.0.1:{port}{ALERTS_PATH}"


def own_origin(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def cookie_headers(session_key: str | None) -> dict[str, str]:
    if session_key is None:
        return {}
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}"}


async def outcome_of_connecting(
    port: int, *, origin: str, session_key: str | None
) -> str:
    """How daphne answered: "accepted", "rejected <status>" or "closed <code>"."""
    try:
        async with connect(
            alerts_url(port),
            origin=origin,
            additional_headers=cookie_headers(session_key),
            open_timeout=TIMEOUT,
        ) as websocket:
            # A consumer may accept and then close; a heartbeat tells which.
            try:
                await websocket.send(json.dumps({"type": "ping"}))
                reply = await asyncio.wait_for(websocket.recv(), timeout=TIMEOUT)
            except ConnectionClosed as closed:
                return f"closed {closed.rcvd.code if closed.rcvd else 'abruptly'}"
            return "accepted" if json.loads(reply) == {"type": "pong"} else reply
    except InvalidStatus as refused:
        return f"rejected {refused.response.status_code}"


REFUSED = {"rejected 403", f"closed {CLOSE_FORBIDDEN}"}


@pytest.fixture
def staff_session_key(staff_user) -> str:
    """A committed, logged-in staff session, as a browser would hold."""
    client = Client()
    client.force_login(staff_user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_home_page_served_by_gunicorn_shows_the_service_heading(topology):
    status, body = get(f"{topology.gunicorn_url}/")

    assert status == 200
    page = PageReader.read(body.decode())
    assert "Contact Hertfordshire Police online" in page.headings


def test_stylesheet_of_the_home_page_is_served_by_gunicorn(topology):
    _, body = get(f"{topology.gunicorn_url}/")
    stylesheets = PageReader.read(body.decode()).stylesheets
    assert stylesheets, "the home page links no stylesheet"

    for href in stylesheets:
        status, css = get(f"{topology.gunicorn_url}{href}")
        assert status == 200, href
        assert css, href


def test_healthz_through_gunicorn_reports_every_dependency_ok(topology):
    status, body = get(f"{topology.gunicorn_url}/healthz")

    assert status == 200
    report = json.loads(body)
    assert report["status"] == "ok"
    assert report["checks"] == {
        "database": "ok",
        "cache": "ok",
        "channel_layer": "ok",
        "broker": "ok",
    }


def test_staff_notice_reaches_staff_on_both_daphne_processes(
    topology, staff_session_key
):
    text = f"Pursuit in progress near Hatfield {uuid.uuid4().hex[:6]}"

    async def listen_on_both_and_post() -> tuple[int, list[dict]]:
        sockets = [
            connect(
                alerts_url(port),
                origin=own_origin(port),
                additional_headers=cookie_headers(staff_session_key),
                open_timeout=TIMEOUT,
            )
            for port in topology.daphne_ports
        ]
        async with sockets[0] as on_daphne_a, sockets[1] as on_daphne_b:
            # Thread-sensitive: runs on the test's thread and its connection,
            # so the commit (and the on_commit enqueue) happens for real.
            notice = await sync_to_async(post_staff_notice)(text=text)
            received = await asyncio.wait_for(
                asyncio.gather(on_daphne_a.recv(), on_daphne_b.recv()),
                timeout=TIMEOUT,
            )
        return notice.pk, [json.loads(message) for message in received]

    try:
        notice_id, received = async_to_sync(listen_on_both_and_post)()
    except TimeoutError:
        pytest.fail(
            "A staff page did not receive the notice. "
            + "\n\n".join(process.describe() for process in topology.processes)
        )

    for message in received:
        assert message["type"] == "notice"
        assert message["text"] == text
        assert message["id"] == notice_id
    assert wait_for_broadcast_at(notice_id), (
        "the worker never recorded broadcast_at. "
        + topology.process("worker").describe()
    )


def wait_for_broadcast_at(notice_id: int) -> bool:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if StaffNotice.objects.get(pk=notice_id).broadcast_at is not None:
            return True
        time.sleep(0.1)
    return False


def test_staff_alerts_refuse_a_visitor_without_a_staff_session(topology):
    port = topology.daphne_ports[0]

    outcome = async_to_sync(outcome_of_connecting)(
        port, origin=own_origin(port), session_key=None
    )

    assert outcome in REFUSED


def test_staff_alerts_refuse_a_page_from_another_origin(topology, staff_session_key):
    port = topology.daphne_ports[1]
    connect_from = async_to_sync(outcome_of_connecting)

    foreign = connect_from(port, origin=FOREIGN_ORIGIN, session_key=staff_session_key)
    own = connect_from(port, origin=own_origin(port), session_key=staff_session_key)

    assert foreign in REFUSED
    # The same session from the site's own pages gets in: the origin was why.
    assert own == "accepted"
