"""The production topology on real PostgreSQL and Redis, without Docker.

gunicorn serves pages; two daphne processes serve websockets; a Celery worker
runs the tasks. A staff notice posted here travels test process -> Redis
broker -> worker -> Redis channel layer -> both daphne processes -> staff
pages.
"""

import asyncio
import json
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import AsyncExitStack
from html.parser import HTMLParser

import pytest
import redis
from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.test import Client
from websockets.asyncio.client import connect
from websockets.exceptions import (
    ConnectionClosed,
    InvalidStatus,
)

from casework.consumers import CLOSE_FORBIDDEN
from casework.models import StaffNotice
from casework.services import STAFF_ALERTS_GROUP, post_staff_notice
from tests.integration.processes import (
    SITE_ASGI_APPLICATION,
    ServerProcess,
    kill,
    start_ready_daphnes,
    stop_all,
)

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
    # S310: every URL here is http://127.0.0.1:<port> of a server we started.
    with urllib.request.urlopen(url, timeout=TIMEOUT) as reply:  # noqa: S310
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


def test_healthz_answered_by_daphne_leaves_nothing_subscribed(
    topology, integration_redis_url
):
    # Docker asks every few seconds; daphne's sockets share the layer the
    # check uses, so a subscription left by each would pile up for ever.
    prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
    url = f"http://127.0.0.1:{topology.daphne_ports[0]}/healthz"
    for _ in range(3):
        status, body = get(url)
        assert status == 200
        assert json.loads(body)["checks"]["channel_layer"] == "ok"

    with redis.Redis.from_url(integration_redis_url) as client:
        assert client.pubsub_channels(f"{prefix}healthz.*") == []


async def post_notice_to_open_staff_pages(
    topology, session_key: str, text: str, *, idle_seconds: float = 0
) -> tuple[int, list[dict]]:
    """Open a staff page on each daphne, post a notice, return what each got."""
    async with AsyncExitStack() as pages:
        staff_pages = [
            await pages.enter_async_context(
                connect(
                    alerts_url(port),
                    origin=own_origin(port),
                    additional_headers=cookie_headers(session_key),
                    open_timeout=TIMEOUT,
                )
            )
            for port in topology.daphne_ports
        ]
        await asyncio.sleep(idle_seconds)
        # Thread-sensitive: runs on the test's thread and its connection, so
        # the commit (and the on_commit enqueue) happens for real.
        notice = await sync_to_async(post_staff_notice)(text=text)
        received = await asyncio.wait_for(
            asyncio.gather(*(page.recv() for page in staff_pages)),
            timeout=TIMEOUT,
        )
    return notice.pk, [json.loads(message) for message in received]


def assert_every_page_got_the_notice(topology, notice_id, received, text):
    assert len(received) == len(topology.daphne_ports)
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


def every_process_output(topology) -> str:
    return "\n\n".join(process.describe() for process in topology.processes)


def test_staff_notice_reaches_staff_on_both_daphne_processes(
    topology, staff_session_key
):
    text = f"Pursuit in progress near Hatfield {uuid.uuid4().hex[:6]}"

    try:
        notice_id, received = async_to_sync(post_notice_to_open_staff_pages)(
            topology, staff_session_key, text
        )
    except TimeoutError:
        pytest.fail("A staff page got no notice. " + every_process_output(topology))

    assert_every_page_got_the_notice(topology, notice_id, received, text)


def test_staff_page_left_idle_still_receives_notices(topology, staff_session_key):
    # Staff leave the page open for hours; outlast redis-py's 5 s socket
    # timeout, so each daphne's subscription has to survive a connection
    # that carried nothing for longer than that.
    idle_seconds = 6.5
    text = f"Missing person found in Stevenage {uuid.uuid4().hex[:6]}"

    try:
        notice_id, received = async_to_sync(post_notice_to_open_staff_pages)(
            topology, staff_session_key, text, idle_seconds=idle_seconds
        )
    except TimeoutError:
        pytest.fail("A staff page got no notice. " + every_process_output(topology))

    assert_every_page_got_the_notice(topology, notice_id, received, text)


@pytest.fixture
def doomed_daphne(server_environment, log_dir) -> Iterator[tuple[ServerProcess, int]]:
    """A daphne of this test's own, to kill."""
    processes, ports = start_ready_daphnes(
        ["daphne-doomed"],
        server_environment,
        log_dir,
        application=SITE_ASGI_APPLICATION,
    )
    try:
        yield processes[0], ports[0]
    finally:
        stop_all(processes)


def staff_alerts_listeners_in_redis(redis_url: str) -> list[bytes]:
    """What Redis keeps of the staff alerts group: members in keys (the
    list-based channel layer) or subscriptions (the Pub/Sub one)."""
    prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
    pattern = f"{prefix}*{STAFF_ALERTS_GROUP}*"
    with redis.Redis.from_url(redis_url) as client:
        return client.keys(pattern) + client.pubsub_channels(pattern)


def test_staff_pages_of_a_killed_daphne_are_forgotten_and_others_get_notices(
    topology, doomed_daphne, staff_session_key, integration_redis_url
):
    doomed, doomed_port = doomed_daphne
    port = topology.daphne_ports[0]
    text = f"Road closed at Welwyn {uuid.uuid4().hex[:6]}"

    def page_on(port: int):
        return connect(
            alerts_url(port),
            origin=own_origin(port),
            additional_headers=cookie_headers(staff_session_key),
            open_timeout=TIMEOUT,
            close_timeout=1,
        )

    async def scenario() -> tuple[int, dict]:
        async with page_on(doomed_port), page_on(port) as page:
            await asyncio.to_thread(kill, doomed)
            notice = await sync_to_async(post_staff_notice)(text=text)
            received = await asyncio.wait_for(page.recv(), timeout=TIMEOUT)
        return notice.pk, json.loads(received)

    try:
        notice_id, received = async_to_sync(scenario)()
    except TimeoutError:
        pytest.fail("The staff page got no notice. " + every_process_output(topology))
    assert received["type"] == "notice"
    assert received["id"] == notice_id
    assert received["text"] == text

    # The page left; the killed daphne's page went with its process. A group
    # that kept it would be sent every notice for a day, to nobody.
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if not staff_alerts_listeners_in_redis(integration_redis_url):
            break
        time.sleep(0.1)
    assert staff_alerts_listeners_in_redis(integration_redis_url) == []


@pytest.fixture
def member_session_key(django_user_model) -> str:
    """A logged-in session of someone who is not staff."""
    member = django_user_model.objects.create_user(
        username="member", password="a-long-test-password"
    )
    client = Client()
    client.force_login(member)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.mark.parametrize("who", ["anonymous visitor", "signed-in member"])
def test_staff_alerts_refuse_anyone_who_is_not_staff(topology, request, who):
    session_key = None
    if who == "signed-in member":
        session_key = request.getfixturevalue("member_session_key")
    port = topology.daphne_ports[0]

    outcome = async_to_sync(outcome_of_connecting)(
        port, origin=own_origin(port), session_key=session_key
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
