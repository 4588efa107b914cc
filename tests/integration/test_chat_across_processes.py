"""Web chat across two daphne processes on real PostgreSQL and Redis.

The citizen's socket and the agent's are served by different processes, so
every message crosses the Redis channel layer. The promise under test is the
one in webchat/services.py: every message is stored with a sequence number
before it is sent, and an end that missed anything (a dropped connection, a
killed server) gets it back by asking for what came after its last number.

The daphne processes run tests/integration/chat_asgi.py, the site's own
application with a higher flood limit: see that module for why.
"""

import asyncio
import threading
from collections.abc import Iterator
from unittest import mock

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connection
from django.utils import timezone

from tests.integration.chat_client import (
    AGENT_PATH,
    CITIZEN_PATH,
    ChatEnd,
    agent_session,
    citizen_session,
    wait_until,
)
from tests.integration.processes import (
    ServerProcess,
    kill,
    start_ready_daphnes,
    stop_all,
)
from tests.webchat.conftest import make_agent
from webchat import services
from webchat.models import Conversation, Message

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CHAT_APPLICATION = "tests.integration.chat_asgi:application"
# Four times the pace the clients keep (PACE), with the production burst: a
# client that breaks the pace by much is told "too_fast", and the test fails.
FLOOD_RATE, FLOOD_BURST = 200, 8
PACE = 0.02  # seconds between one end's messages: 50 a second
MESSAGES_EACH_WAY = 200
SCENARIO_TIMEOUT = 90.0
SETTLE_TIMEOUT = 30.0


# --- Processes ----------------------------------------------------------------


@pytest.fixture(scope="module")
def chat_environment(server_environment) -> dict:
    return {
        **server_environment,
        "CHAT_FLOOD_RATE": str(FLOOD_RATE),
        "CHAT_FLOOD_BURST": str(FLOOD_BURST),
    }


@pytest.fixture(scope="module")
def daphnes(chat_environment, log_dir) -> Iterator[tuple[list[ServerProcess], list]]:
    """daphne A and daphne B, on the same database and Redis."""
    processes, ports = start_ready_daphnes(
        ["daphne-a", "daphne-b"],
        chat_environment,
        log_dir,
        application=CHAT_APPLICATION,
    )
    try:
        yield processes, ports
    finally:
        stop_all(processes)


@pytest.fixture
def daphne_ports(daphnes) -> list[int]:
    processes, ports = daphnes
    for process in processes:
        assert process.popen.poll() is None, process.describe()
    return ports


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
    return stored


def assert_stored_once_each(stored: list[dict], sender: str, prefix: str, count):
    bodies = [row["body"] for row in stored if row["sender"] == sender]
    assert sorted(bodies) == sorted(f"{prefix} says {n}" for n in range(count))
    client_ids = [row["client_id"] for row in stored if row["sender"] == sender]
    assert len(client_ids) == len(set(client_ids)) == count


def run(scenario) -> object:
    async def bounded():
        async with asyncio.timeout(SCENARIO_TIMEOUT):
            return await scenario()

    return async_to_sync(bounded)()


# --- a. A dropped connection in the middle of 200 messages each way -----------


def test_messages_cross_daphne_processes_once_each_in_order_across_a_reconnect(
    daphne_ports, daphnes, chat_open, django_user_model
):
    port_a, port_b = daphne_ports
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
        conversation = run(scenario)
    except (AssertionError, TimeoutError) as failure:
        pytest.fail(f"{failure}\n{server_output(*daphnes[0])}")

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
        ["daphne-c"], chat_environment, log_dir, application=CHAT_APPLICATION
    )
    try:
        yield processes[0], ports[0]
    finally:
        stop_all(processes)


def test_citizen_whose_daphne_is_killed_reconnects_to_another_and_loses_nothing(
    daphne_ports, daphnes, doomed_daphne, chat_open, django_user_model
):
    doomed, port_c = doomed_daphne
    _, port_b = daphne_ports
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
        conversation = run(scenario)
    except (AssertionError, TimeoutError) as failure:
        pytest.fail(f"{failure}\n{server_output(*daphnes[0], doomed)}")

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


# --- c. Two agents accepting at the same moment -------------------------------


def accept_at_once(ports: list[int], agent_keys: list[str]) -> list[dict]:
    """Both consoles press "Accept" together; what each was answered."""

    async def scenario():
        consoles = [
            ChatEnd(f"agent {n} on {'AB'[n]}", AGENT_PATH, key)
            for n, key in enumerate(agent_keys)
        ]
        try:
            for console, port in zip(consoles, ports, strict=True):
                await console.connect(port)
                await console.next_event("queue")
            await asyncio.gather(*(c.send({"type": "accept"}) for c in consoles))
            return await asyncio.gather(
                *(c.next_event("conversation", "error") for c in consoles)
            )
        finally:
            for console in consoles:
                await console.close()

    return run(scenario)


def test_one_waiting_chat_goes_to_exactly_one_of_two_agents_accepting_at_once(
    daphne_ports, chat_open, django_user_model
):
    agents = [make_agent(django_user_model, name) for name in ("alex", "sam")]
    citizen_session("Jo")
    waiting = Conversation.objects.get()

    answers = accept_at_once(daphne_ports, [agent_session(a) for a in agents])

    won = [n for n, answer in enumerate(answers) if answer["type"] == "conversation"]
    lost = [n for n, answer in enumerate(answers) if answer["type"] == "error"]
    assert len(won) == 1 and len(lost) == 1, answers
    assert answers[won[0]]["conversation"]["id"] == waiting.pk
    assert answers[lost[0]]["code"] == "queue_empty"
    waiting.refresh_from_db()
    assert waiting.status == Conversation.Status.ACTIVE
    assert waiting.agent == agents[won[0]]


def test_two_waiting_chats_go_one_to_each_of_two_agents_accepting_at_once(
    daphne_ports, chat_open, django_user_model
):
    agents = [make_agent(django_user_model, name) for name in ("alex", "sam")]
    citizen_session("Jo"), citizen_session("Sam")

    answers = accept_at_once(daphne_ports, [agent_session(a) for a in agents])

    assert [answer["type"] for answer in answers] == ["conversation"] * 2, answers
    taken = {answer["conversation"]["id"] for answer in answers}
    assert len(taken) == 2
    holders = dict(Conversation.objects.values_list("pk", "agent__username"))
    assert holders == {
        answers[0]["conversation"]["id"]: "alex",
        answers[1]["conversation"]["id"]: "sam",
    }


# --- c. The same, two threads on two database connections ---------------------


def accept_in_two_threads(agents, *, hold_seconds: float = 10) -> tuple[list, list]:
    """Each agent's thread calls accept_next_chat at once: what each got.

    accept_next_chat posts the "has joined" message while it holds the row
    lock of the chat it took. The stand-in below keeps each thread there
    until every other thread has either got there too (it holds a lock of
    its own) or has its answer, so the transactions overlap for certain, not
    by luck of timing. Were a thread to wait for another's lock instead, it
    would get neither, and the one holding the lock would wait `hold_seconds`
    alone: the second list names the threads that did.

    The answers are in the order of `agents`: a conversation id, None (no
    chat waiting) or the exception raised.
    """
    post_message = services.post_message
    start_together = threading.Barrier(len(agents), timeout=10)
    state = threading.Condition()
    arrived: set[str] = set()  # holding a lock, or answered
    held_alone: list[str] = []
    results: dict[str, object] = {}

    def arrive() -> None:
        with state:
            arrived.add(threading.current_thread().name)
            state.notify_all()

    def holding_the_lock(**kwargs):
        arrive()
        with state:
            if not state.wait_for(lambda: len(arrived) == len(agents), hold_seconds):
                held_alone.append(threading.current_thread().name)
        return post_message(**kwargs)

    def accept(agent):
        name = threading.current_thread().name
        try:
            start_together.wait()
            conversation = services.accept_next_chat(agent=agent, now=timezone.now())
            results[name] = conversation.pk if conversation else None
        except BaseException as error:  # reported by the test, not lost
            results[name] = error
        finally:
            arrive()
            connection.close()

    threads = [
        threading.Thread(target=accept, args=(agent,), name=f"{n} {agent.username}")
        for n, agent in enumerate(agents)
    ]
    with mock.patch.object(services, "post_message", holding_the_lock):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return [results[thread.name] for thread in threads], held_alone


def test_accept_next_chat_skips_a_chat_another_agent_has_locked(
    integration_redis_url, chat_open, django_user_model
):
    agents = [make_agent(django_user_model, name) for name in ("alex", "sam")]
    citizen_session("Jo")
    waiting = Conversation.objects.get()

    answers, held_alone = accept_in_two_threads(agents)

    # The loser was answered "nothing waiting" while the winner held the lock.
    assert held_alone == [], answers
    assert sorted(answers, key=lambda pk: pk is None) == [waiting.pk, None]


def test_two_agents_each_lock_a_different_chat_at_the_same_moment(
    integration_redis_url, chat_open, django_user_model
):
    agents = [make_agent(django_user_model, name) for name in ("alex", "sam")]
    citizen_session("Jo"), citizen_session("Sam")

    answers, held_alone = accept_in_two_threads(agents)

    assert held_alone == [], answers
    assert all(isinstance(pk, int) for pk in answers), answers
    assert len(set(answers)) == 2


def test_one_agent_accepting_from_two_consoles_at_once_stays_within_capacity(
    integration_redis_url, chat_open, django_user_model
):
    agent = make_agent(django_user_model, "alex", capacity=1)
    citizen_session("Jo"), citizen_session("Sam")

    answers, _ = accept_in_two_threads([agent, agent], hold_seconds=2)

    assert Conversation.objects.filter(agent=agent).count() == 1, answers
    assert [type(answer) for answer in answers].count(int) == 1, answers
