"""Web chat across two daphne processes on real PostgreSQL and Redis.

The citizen's socket and the agent's are served by different processes, so
every message crosses the Redis channel layer. The promise under test is the
one in webchat/messages.py: every message is stored with a sequence number
before it is sent, and an end that missed anything (a dropped connection, a
killed server) gets it back by asking for what came after its last number.

The daphne processes run the site's own application with a higher flood
limit (processes.CHAT_FLOOD_RATE says why). Agents accepting chats at the
same moment are in test_chat_accepting.py.
"""

import asyncio
from collections.abc import Iterator

import pytest
from asgiref.sync import sync_to_async

from tests.integration.chat_client import (
    AGENT_PATH,
    CITIZEN_PATH,
    ChatEnd,
    agent_session,
    citizen_session,
    run_bounded,
    wait_until,
)
from tests.integration.processes import (
    SITE_ASGI_APPLICATION,
    ServerProcess,
    kill,
    start_ready_daphnes,
    stop_all,
)
from tests.webchat.conftest import make_agent
from webchat.models import Conversation, Message

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# Seconds between one end's messages: 50 a second, a quarter of the flood
# limit the chat daphnes run with (processes.CHAT_FLOOD_RATE).
PACE = 0.02
MESSAGES_EACH_WAY = 200
SCENARIO_TIMEOUT = 90.0
SETTLE_TIMEOUT = 30.0


def server_output(*processes: ServerProcess) -> str:
    return "\n\n".join(process.describe() for process in processes)


# --- What the database holds ---------------------------------------------------


def stored_messages(conversation_id: int) -> list[dict]:
    return list(
        Message.objects.filter(conversation_id=conversation_id)
        .order_by("seq")
        .values("seq", "sender", "client_id", "body")
    )


def last_stored_seq(conversation_id: int) -> int:
    return Conversation.objects.get(pk=conversation_id).last_seq


# --- Helpers for the scenarios ------------------------------------------------


async def accept_the_waiting_chat(agent: ChatEnd) -> int:
    await agent.send({"type": "accept"})
    event = await agent.next_event("conversation", "error")
    assert event["type"] == "conversation", event
    agent.conversation = event["conversation"]["id"]
    await agent.sync()  # the console loads what was said before it joined
    return agent.conversation


async def say(end: ChatEnd, prefix: str, numbers: range, *, pace: float = PACE):
    for number in numbers:
        await end.send_message(f"{prefix} says {number}", f"{prefix}-{number}")
        if pace:
            await asyncio.sleep(pace)


async def everything_settled(conversation_id: int, *ends: ChatEnd) -> None:
    """Wait until nothing is unacknowledged and every end shows every message."""
    last = sync_to_async(last_stored_seq)

    async def settled() -> bool:
        if any(end.outbox for end in ends):
            return False
        stored = await last(conversation_id)
        return all(end.last_seq == stored for end in ends)

    await wait_until(
        settled,
        timeout=SETTLE_TIMEOUT,
        describe=lambda: " | ".join(end.report() for end in ends),
    )


def assert_each_end_shows_the_stored_conversation_once_in_order(
    conversation_id: int, *ends: ChatEnd
) -> list[dict]:
    stored = stored_messages(conversation_id)
    assert [row["seq"] for row in stored] == list(range(1, len(stored) + 1))
    for end in ends:
        assert end.errors == [], end.report()
        shown = [
            {key: message[key] for key in ("seq", "sender", "client_id", "body")}
            for message in end.shown
        ]
        # Shown in seq order with no gap, each stored message once.
        assert shown == stored, end.report()
        # Every copy that reached the end, replays included, says the same.
        for seq, copies in end.copies.items():
            assert {c["body"] for c in copies} == {stored[seq - 1]["body"]}
        # Catching up replays what was missed, not the conversation over and
        # over (it once sent some 5,500 copies for 400 messages).
        assert end.duplicates <= len(stored), end.report()
    return stored


def assert_stored_once_each(stored: list[dict], sender: str, prefix: str, count):
    bodies = [row["body"] for row in stored if row["sender"] == sender]
    assert sorted(bodies) == sorted(f"{prefix} says {n}" for n in range(count))
    client_ids = [row["client_id"] for row in stored if row["sender"] == sender]
    assert len(client_ids) == len(set(client_ids)) == count


# --- a. A dropped connection in the middle of 200 messages each way -----------


def test_messages_cross_daphne_processes_once_each_in_order_across_a_reconnect(
    chat_ports, chat_daphnes, chat_open, django_user_model
):
    port_a, port_b = chat_ports
    agent_key = agent_session(make_agent(django_user_model, "alex"))
    citizen = ChatEnd("citizen on A", CITIZEN_PATH, citizen_session("Jo"))
    agent = ChatEnd("agent on B", AGENT_PATH, agent_key)
    half = MESSAGES_EACH_WAY // 2
    stored_but_unacknowledged = {f"citizen-{n}" for n in range(half - 4, half)}
    resent: set[str] = set()

    def agent_has_seen(client_ids: set[str]) -> bool:
        return client_ids <= {message["client_id"] for message in agent.shown}

    async def citizen_talks():
        await say(citizen, "citizen", range(half - 4))
        # Four messages reach the server and are stored, but the connection
        # dies before any acknowledgement gets back to the phone.
        await citizen.stop_listening()
        await say(citizen, "citizen", range(half - 4, half), pace=0)
        await wait_until(
            lambda: agent_has_seen(stored_but_unacknowledged),
            timeout=SETTLE_TIMEOUT,
            describe=agent.report,
        )
        resent.update(citizen.outbox)
        await citizen.drop()
        # The agent keeps talking while the phone is away.
        await asyncio.sleep(0.5)
        await citizen.connect(port_a)
        await say(citizen, "citizen", range(half, MESSAGES_EACH_WAY))

    async def scenario():
        await agent.connect(port_b)
        await citizen.connect(port_a)
        conversation = await accept_the_waiting_chat(agent)
        try:
            await asyncio.gather(
                citizen_talks(), say(agent, "agent", range(MESSAGES_EACH_WAY))
            )
            await everything_settled(conversation, citizen, agent)
            # The replay after the reconnect may take a resent message off
            # the outbox before the answer to the resend itself arrives.
            await wait_until(
                lambda: stored_but_unacknowledged <= citizen.acks.keys(),
                timeout=SETTLE_TIMEOUT,
                describe=citizen.report,
            )
        finally:
            await citizen.close()
            await agent.close()
        return conversation

    try:
        conversation = run_bounded(scenario, SCENARIO_TIMEOUT)
    except (AssertionError, TimeoutError) as failure:
        pytest.fail(f"{failure}\n{server_output(*chat_daphnes)}")

    assert stored_but_unacknowledged <= resent
    stored = assert_each_end_shows_the_stored_conversation_once_in_order(
        conversation, citizen, agent
    )
    assert_stored_once_each(stored, "citizen", "citizen", MESSAGES_EACH_WAY)
    assert_stored_once_each(stored, "agent", "agent", MESSAGES_EACH_WAY)
    # Sent again after the reconnect, acknowledged with the numbers they were
    # stored under the first time.
    first_seen = {m["client_id"]: m["seq"] for m in agent.shown}
    assert {cid: citizen.acks[cid] for cid in stored_but_unacknowledged} == {
        cid: first_seen[cid] for cid in stored_but_unacknowledged
    }
    assert citizen.connections == 2


# --- b. The citizen's daphne is killed ----------------------------------------


@pytest.fixture
def doomed_daphne(chat_environment, log_dir) -> Iterator[tuple[ServerProcess, int]]:
    """A daphne of this test's own, so killing it leaves A and B to the others."""
    processes, ports = start_ready_daphnes(
        ["daphne-c"], chat_environment, log_dir, application=SITE_ASGI_APPLICATION
    )
    try:
        yield processes[0], ports[0]
    finally:
        stop_all(processes)


def test_citizen_whose_daphne_is_killed_reconnects_to_another_and_loses_nothing(
    chat_ports, chat_daphnes, doomed_daphne, chat_open, django_user_model
):
    doomed, port_c = doomed_daphne
    _, port_b = chat_ports
    agent_key = agent_session(make_agent(django_user_model, "alex"))
    citizen = ChatEnd("citizen on C then B", CITIZEN_PATH, citizen_session("Jo"))
    agent = ChatEnd("agent on B", AGENT_PATH, agent_key)
    while_down = range(20, 50)
    seen_before_kill: dict[str, int] = {}

    async def scenario():
        await agent.connect(port_b)
        await citizen.connect(port_c)
        conversation = await accept_the_waiting_chat(agent)
        try:
            await asyncio.gather(
                say(citizen, "citizen", range(0, 20)), say(agent, "agent", range(20))
            )
            await everything_settled(conversation, citizen, agent)
            await say(citizen, "citizen", range(20, 24), pace=0)
            await asyncio.to_thread(kill, doomed)
            await citizen.lost()
            seen_before_kill["last_seq"] = citizen.last_seq
            seen_before_kill["unacknowledged"] = len(citizen.outbox)
            await say(agent, "agent", while_down)
            await citizen.connect(port_b)
            await asyncio.gather(
                say(citizen, "citizen", range(24, 40)),
                say(agent, "agent", range(50, 60)),
            )
            await everything_settled(conversation, citizen, agent)
        finally:
            await citizen.close()
            await agent.close()
        return conversation

    try:
        conversation = run_bounded(scenario, SCENARIO_TIMEOUT)
    except (AssertionError, TimeoutError) as failure:
        pytest.fail(f"{failure}\n{server_output(*chat_daphnes, doomed)}")

    assert doomed.popen.returncode == -9
    assert seen_before_kill["unacknowledged"] > 0
    stored = assert_each_end_shows_the_stored_conversation_once_in_order(
        conversation, citizen, agent
    )
    assert_stored_once_each(stored, "citizen", "citizen", 40)
    assert_stored_once_each(stored, "agent", "agent", 60)
    # What the agent said while the citizen was away reached them afterwards.
    missed = [m for m in citizen.shown if m["seq"] > seen_before_kill["last_seq"]]
    assert {f"agent says {n}" for n in while_down} <= {m["body"] for m in missed}
