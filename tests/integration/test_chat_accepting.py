"""Agents accepting chats at the same moment, on PostgreSQL.

Over real sockets on two daphne processes (what an agent sees), and from two
threads on two database connections, held so that the transactions overlap
for certain (what proves SKIP LOCKED).
"""

import asyncio
import threading
import time
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone

from tests.integration.chat_client import (
    AGENT_PATH,
    ChatEnd,
    agent_session,
    citizen_session,
    run_bounded,
)
from tests.webchat.conftest import make_agent
from webchat import services
from webchat.models import Conversation

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SCENARIO_TIMEOUT = 60.0


# --- Over sockets, on two daphne processes -------------------------------


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

    return run_bounded(scenario, SCENARIO_TIMEOUT)


def test_one_waiting_chat_goes_to_exactly_one_of_two_agents_accepting_at_once(
    chat_ports, chat_open, django_user_model
):
    agents = [make_agent(django_user_model, name) for name in ("alex", "sam")]
    citizen_session("Jo")
    waiting = Conversation.objects.get()

    answers = accept_at_once(chat_ports, [agent_session(a) for a in agents])

    won = [n for n, answer in enumerate(answers) if answer["type"] == "conversation"]
    lost = [n for n, answer in enumerate(answers) if answer["type"] == "error"]
    assert len(won) == 1 and len(lost) == 1, answers
    assert answers[won[0]]["conversation"]["id"] == waiting.pk
    assert answers[lost[0]]["code"] == "queue_empty"
    waiting.refresh_from_db()
    assert waiting.status == Conversation.Status.ACTIVE
    assert waiting.agent == agents[won[0]]


def test_two_waiting_chats_go_one_to_each_of_two_agents_accepting_at_once(
    chat_ports, chat_open, django_user_model
):
    agents = [make_agent(django_user_model, name) for name in ("alex", "sam")]
    citizen_session("Jo"), citizen_session("Sam")

    answers = accept_at_once(chat_ports, [agent_session(a) for a in agents])

    assert [answer["type"] for answer in answers] == ["conversation"] * 2, answers
    taken = {answer["conversation"]["id"] for answer in answers}
    assert len(taken) == 2
    holders = dict(Conversation.objects.values_list("pk", "agent__username"))
    assert holders == {
        answers[0]["conversation"]["id"]: "alex",
        answers[1]["conversation"]["id"]: "sam",
    }


# --- Two threads on two database connections ---------------------


def others_wait_for_a_lock() -> bool:
    """Whether another connection to this database is waiting for a row lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def accept_in_two_threads(agents, *, hold_seconds: float = 10) -> tuple[list, list]:
    """Each agent's thread calls accept_next_chat at once: what each got.

    accept_next_chat posts the "has joined" message while it holds the row
    lock of the chat it took. The stand-in below keeps each thread there
    until every other thread has got there too (it holds a lock of its own),
    has its answer, or is waiting for the lock this one holds, so the
    transactions overlap for certain, not by luck of timing. A thread left
    holding its lock alone for `hold_seconds` is named in the second list.

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
        deadline = time.monotonic() + hold_seconds
        while True:
            with state:
                if state.wait_for(lambda: len(arrived) == len(agents), 0.05):
                    break
            if others_wait_for_a_lock():
                break
            if time.monotonic() > deadline:
                held_alone.append(threading.current_thread().name)
                break
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


def test_an_agent_accepting_while_another_takes_the_only_chat_is_told_nobody_waits(
    integration_redis_url, chat_open, django_user_model
):
    agents = [make_agent(django_user_model, name) for name in ("alex", "sam")]
    citizen_session("Jo")
    waiting = Conversation.objects.get()

    answers, held_alone = accept_in_two_threads(agents)

    # One has the chat; the other waited for it to be taken, and was then
    # told nobody is waiting, never given the same chat.
    assert held_alone == [], answers
    assert sorted(answers, key=lambda pk: pk is None) == [waiting.pk, None]


def test_a_waiting_chat_locked_for_a_moment_is_still_given_to_an_agent(
    integration_redis_url, chat_open, django_user_model
):
    """Storing a message locks its chat's row for a moment; an agent pressing
    "Accept" just then is given that chat, not told nobody is waiting."""
    agent = make_agent(django_user_model, "alex")
    citizen_session("Jo")
    waiting = Conversation.objects.get()
    locked = threading.Event()
    outcome: dict[str, object] = {}

    def hold_the_row_until_the_agent_waits():
        try:
            with transaction.atomic():
                Conversation.objects.select_for_update().get(pk=waiting.pk)
                locked.set()
                deadline = time.monotonic() + 10
                while not others_wait_for_a_lock() and time.monotonic() < deadline:
                    time.sleep(0.02)
                outcome["agent waited"] = others_wait_for_a_lock()
        finally:
            locked.set()
            connection.close()

    holder = threading.Thread(target=hold_the_row_until_the_agent_waits)
    holder.start()
    assert locked.wait(10)
    accepted = services.accept_next_chat(agent=agent, now=timezone.now())
    holder.join(timeout=30)

    assert outcome == {"agent waited": True}
    assert accepted is not None and accepted.pk == waiting.pk
    waiting.refresh_from_db()
    assert waiting.status == Conversation.Status.ACTIVE
    assert waiting.agent == agent


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
