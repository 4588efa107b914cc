"""The chat flood limit as production runs it: the site's own daphne application.

test_chat_across_processes.py raises the limit to send hundreds of messages;
here it is the real one (one message a second, bursts of 8 per connection).
"""

import asyncio
from collections.abc import Iterator

import pytest
from asgiref.sync import async_to_sync

from tests.integration.chat_client import (
    CITIZEN_PATH,
    ChatEnd,
    citizen_session,
    wait_until,
)
from tests.integration.processes import (
    SITE_ASGI_APPLICATION,
    ServerProcess,
    start_ready_daphnes,
    stop_all,
)
from tests.webchat.conftest import make_agent
from webchat.models import Message

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BURST = 8  # the CHAT_FLOOD_BURST setting's default
SENT_AT_ONCE = BURST + 4


@pytest.fixture(scope="module")
def site_daphne(server_environment, log_dir) -> Iterator[tuple[ServerProcess, int]]:
    processes, ports = start_ready_daphnes(
        ["daphne-site"], server_environment, log_dir, application=SITE_ASGI_APPLICATION
    )
    try:
        yield processes[0], ports[0]
    finally:
        stop_all(processes)


@pytest.fixture
def citizen_key(chat_open, django_user_model) -> str:
    make_agent(django_user_model, "alex")
    return citizen_session()


def send_all_at_once(port: int, session_key: str) -> ChatEnd:
    """A citizen sends more than a burst back to back; what came back."""
    citizen = ChatEnd("citizen", CITIZEN_PATH, session_key)

    async def scenario():
        await citizen.connect(port)
        await citizen.next_event("hello")
        for number in range(SENT_AT_ONCE):
            await citizen.send_message(f"message {number}", f"c-{number}")
        await citizen.send({"type": "ping"})
        await citizen.next_event("pong")
        # Acks of the stored messages are sent before the pong.
        await wait_until(
            lambda: len(citizen.acks) + len(citizen.errors) >= SENT_AT_ONCE,
            timeout=10,
            describe=citizen.report,
        )
        await citizen.close()

    async_to_sync(asyncio.wait_for)(scenario(), 30)
    return citizen


def test_a_burst_beyond_the_flood_limit_is_partly_refused(site_daphne, citizen_key):
    _, port = site_daphne

    citizen = send_all_at_once(port, citizen_key)

    refused = [e for e in citizen.errors if e["code"] == "too_fast"]
    assert refused, citizen.report()
    assert len(citizen.acks) + len(refused) == SENT_AT_ONCE
    stored = Message.objects.filter(sender=Message.Sender.CITIZEN)
    assert sorted(stored.values_list("client_id", flat=True)) == sorted(citizen.acks)


def test_a_message_refused_as_too_fast_says_which_one_so_the_page_can_resend_it(
    site_daphne, citizen_key
):
    _, port = site_daphne

    citizen = send_all_at_once(port, citizen_key)

    refused = [e for e in citizen.errors if e["code"] == "too_fast"]
    assert refused, citizen.report()
    unacknowledged = {f"c-{n}" for n in range(SENT_AT_ONCE)} - set(citizen.acks)
    assert {error.get("client_id") for error in refused} == unacknowledged
