"""Messages from many chats stored together (messages.post_messages), and the
per-process writer that gathers them (webchat/writer.py)."""

import asyncio
import threading
from contextlib import contextmanager

import pytest
from asgiref.sync import async_to_sync
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.webchat.conftest import make_agent
from webchat import services
from webchat.broadcast import public_group, staff_group
from webchat.consumers import store_messages
from webchat.messages import Busy, Outgoing, batch_statement, post_messages
from webchat.models import Conversation, DangerPhrase, Message
from webchat.writer import MessageWriter

pytestmark = pytest.mark.django_db(transaction=True)


def start() -> Conversation:
    conversation, _ = services.start_conversation(
        topic="advice", display_name="", now=timezone.now()
    )
    return conversation


def taken_by(agent) -> Conversation:
    start()
    return services.accept_next_chat(agent=agent, now=timezone.now())


def from_citizen(conversation, body, client_id="") -> Outgoing:
    return Outgoing(
        conversation_id=conversation.pk,
        sender=Message.Sender.CITIZEN,
        body=body,
        client_id=client_id,
        now=timezone.now(),
    )


def stored_bodies(conversation) -> list[tuple[int, str]]:
    return list(
        Message.objects.filter(conversation=conversation)
        .order_by("seq")
        .values_list("seq", "body")
    )


def test_messages_for_several_chats_are_each_numbered_in_their_own_chat(agent):
    chats = [start() for _ in range(3)]
    results = post_messages(
        [from_citizen(chat, f"hello from {n}") for n, chat in enumerate(chats)]
    )
    for n, (chat, (message, events)) in enumerate(zip(chats, results, strict=True)):
        # 1 is the "you are in the queue" message.
        assert stored_bodies(chat)[-1] == (2, f"hello from {n}")
        assert message.seq == 2
        assert message.pk is not None
        assert events == [
            (
                public_group(chat.pk),
                {"type": "chat.message", "message": services.serialise(message)},
            )
        ]
        chat.refresh_from_db()
        assert chat.last_seq == 2
        assert chat.last_citizen_activity == message.created_at


def test_one_refused_message_does_not_hold_up_the_others(agent, django_user_model):
    other_agent = make_agent(django_user_model, "sam")
    held = taken_by(agent)
    ended, empty, fine = start(), start(), start()
    services.end_conversation(
        conversation_id=ended.pk, by="citizen", now=timezone.now()
    )
    results = post_messages(
        [
            from_citizen(ended, "anyone there?"),
            from_citizen(empty, "   "),
            Outgoing(
                conversation_id=held.pk,
                sender=Message.Sender.AGENT,
                body="I have this one",
                client_id="s1",
                now=timezone.now(),
                agent=other_agent,
            ),
            Outgoing(
                conversation_id=987654,
                sender=Message.Sender.AGENT,
                body="no such chat",
                client_id="",
                now=timezone.now(),
                agent=agent,
            ),
            from_citizen(fine, "this one is fine"),
        ]
    )
    outcomes = [getattr(result, "code", type(result).__name__) for result, _ in results]
    assert outcomes[:4] == ["ended", "empty", "not_yours", "DoesNotExist"]
    assert isinstance(results[4][0], Message)
    assert stored_bodies(fine)[-1][1] == "this one is fine"
    assert not Message.objects.filter(body__in=["I have this one", "anyone there?"])
    assert all(events == [] for _, events in results[:4])


def test_a_resend_in_a_batch_is_stored_once_and_told_again(agent):
    first, second = start(), start()
    post_messages([from_citizen(first, "hello", client_id="c1")])
    results = post_messages(
        [
            from_citizen(first, "hello", client_id="c1"),
            from_citizen(second, "hi", client_id="c1"),
        ]
    )
    assert [body for _, body in stored_bodies(first)].count("hello") == 1
    (again, events), (new, _) = results
    assert again.seq == 2
    assert events[0][1]["message"]["seq"] == 2
    assert new.seq == 2 and new.conversation_id == second.pk


def test_agents_and_their_notes_in_a_batch(agent, django_user_model):
    DangerPhrase.objects.create(phrase="knife")
    held, waiting = taken_by(agent), start()
    results = post_messages(
        [
            Outgoing(
                conversation_id=held.pk,
                sender=Message.Sender.NOTE,
                body="Caller sounds scared",
                client_id="n1",
                now=timezone.now(),
                agent=agent,
            ),
            from_citizen(waiting, "He has a KNIFE"),
        ]
    )
    (note, note_events), (warning, _) = results
    assert note.author_id == agent.pk
    # Notes go to staff only.
    assert note_events[0][0] == staff_group(held.pk)
    assert warning.flagged
    assert Message.objects.get(pk=warning.pk).flagged


def test_a_chats_second_message_in_one_batch_is_stored_after_its_first(agent):
    first, other = start(), start()
    results = post_messages(
        [
            from_citizen(first, "one"),
            from_citizen(other, "elsewhere"),
            from_citizen(first, "two"),
        ]
    )
    assert [message.seq for message, _ in results] == [2, 2, 3]
    assert stored_bodies(first)[1:] == [(2, "one"), (3, "two")]


def test_the_writer_stores_a_chats_messages_in_the_order_they_were_handed_over(
    agent,
):
    chats = [start() for _ in range(5)]
    batches = []

    async def counted(batch, **kwargs):
        batches.append(len(batch))
        return await store_messages(batch, **kwargs)

    async def scenario():
        writer = MessageWriter(counted)
        # Three messages for each chat, all handed over at once.
        posts = [
            writer.post(from_citizen(chat, f"{chat.pk}-{n}"))
            for n in range(3)
            for chat in chats
        ]
        return await asyncio.gather(*posts)

    posted = async_to_sync(scenario)()
    assert len(posted) == 15
    for chat in chats:
        assert [body for _, body in stored_bodies(chat)][1:] == [
            f"{chat.pk}-{n}" for n in range(3)
        ]
    # A chat's messages never share a commit, but different chats' do.
    assert max(batches) <= 5
    assert len(batches) < 15


def test_the_writer_raises_what_refused_a_message_and_goes_on(agent):
    ended, fine = start(), start()
    services.end_conversation(
        conversation_id=ended.pk, by="citizen", now=timezone.now()
    )

    async def scenario():
        writer = MessageWriter(store_messages)
        return await asyncio.gather(
            writer.post(from_citizen(ended, "late")),
            writer.post(from_citizen(fine, "in time")),
            return_exceptions=True,
        )

    refused, (stored, events) = async_to_sync(scenario)()
    assert refused.code == "ended"
    assert stored.body == "in time" and events


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="batches are stored together only on "
    "PostgreSQL; SQLite takes one message at a time",
)
def test_two_processes_storing_for_the_same_chats_at_once_do_not_deadlock(agent):
    """Each batch locks its chats in the order of their ids: two writers with
    the same chats in opposite orders wait for each other, never deadlock,
    and every message gets its own number with no gap."""
    chats = [start() for _ in range(8)]
    # Enough chats that PostgreSQL finds each by its index, in the batch's
    # order, rather than reading the whole small table in the order of ids.
    Conversation.objects.bulk_create(
        Conversation(
            topic="advice", token_hash=f"filler-{n}", created_at=timezone.now()
        )
        for n in range(5000)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Conversation._meta.db_table}")
    rounds = 200
    failures = []

    def write(order, tag):
        try:
            for n in range(rounds):
                results = post_messages(
                    [from_citizen(chat, f"{tag}{n}", f"{tag}{n}") for chat in order]
                )
                failures.extend(r for r, _ in results if not isinstance(r, Message))
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=(chats, "a")),
        threading.Thread(target=write, args=(list(reversed(chats)), "b")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    for chat in chats:
        seqs = [seq for seq, _ in stored_bodies(chat)]
        assert seqs == list(range(1, 2 * rounds + 2))


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the batch statement is PostgreSQL's"
)
def test_a_batch_finds_a_resend_by_its_index_not_by_reading_the_whole_chat(agent):
    """Each message is checked for an earlier copy with the same client_id.
    Unless the check says the id is not empty, PostgreSQL cannot use the
    unique (chat, client_id) index, which covers only ids that are set, and
    reads every earlier message of the chat instead: a long chat then gets
    slower with every line."""
    chat = start()
    Message.objects.bulk_create(
        Message(
            conversation=chat,
            seq=n,
            sender=Message.Sender.CITIZEN,
            body="earlier",
            client_id=f"e{n}",
            created_at=timezone.now(),
        )
        for n in range(2, 3000)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Message._meta.db_table}")
        store = batch_statement(wait=False)
        now = timezone.now()
        cursor.execute(
            f"EXPLAIN {store}",
            [[chat.pk], ["citizen"], [None], ["hi"], ["c1"], [False], [now], [None]]
            + [Message.Sender.CITIZEN, Conversation.Status.ENDED],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "one_message_per_client_id" in plan, plan


def test_control_characters_pasted_into_a_message_are_dropped(agent):
    """A paste can carry a NUL, which PostgreSQL refuses outright: the message
    is kept, less what nobody meant to type."""
    chat, other = start(), start()
    results = post_messages(
        [from_citizen(chat, "my bike\x00 was\x07 taken"), from_citizen(other, "hi")]
    )
    assert [message.body for message, _ in results] == ["my bike was taken", "hi"]
    assert stored_bodies(chat)[-1] == (2, "my bike was taken")


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="messages are stored together only on PostgreSQL",
)


@postgresql_only
def test_messages_for_several_chats_go_in_one_statement(agent):
    chats = [start() for _ in range(4)]
    with CaptureQueriesContext(connection) as queries:
        results = post_messages([from_citizen(chat, "together") for chat in chats])
    assert all(isinstance(message, Message) for message, _ in results)
    # One statement numbers, stores and locks: nothing else touches a chat.
    touching = [
        q["sql"]
        for q in queries
        if "webchat_message" in q["sql"] or "webchat_conversation" in q["sql"]
    ]
    assert len(touching) == 1, touching


@postgresql_only
def test_a_message_that_fails_in_the_database_fails_alone(agent):
    """One message the database refuses (a chat number out of its range)
    fails for its sender only; the batch's other messages are stored."""
    fine = start()
    results = post_messages(
        [from_citizen(fine, "stored"), from_citizen(Conversation(pk=2**70), "no")]
    )
    (stored, events), (failed, _) = results
    assert isinstance(stored, Message) and events
    assert isinstance(failed, DatabaseError)
    assert stored_bodies(fine)[-1] == (2, "stored")


@contextmanager
def row_held_by_other_work(chat):
    """The chat's row locked in another connection's open transaction (as an
    agent turning the chat into a report holds it), until the block ends."""
    holding, release = threading.Event(), threading.Event()

    def hold_the_row():
        with transaction.atomic():
            Conversation.objects.select_for_update().get(pk=chat.pk)
            holding.set()
            release.wait(30)
        connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert holding.wait(10)
        yield release
    finally:
        release.set()
        holder.join(10)


@postgresql_only
def test_a_chat_locked_by_other_work_holds_up_no_other_chat(agent):
    """An agent turning a chat into a report holds its row for a moment; the
    writer does not wait for it with everybody else's messages: those are
    stored at once, and the locked chat's message once the lock is gone."""
    locked_chat, free_chat = start(), start()

    async def scenario():
        writer = MessageWriter(store_messages)
        waiting = asyncio.ensure_future(writer.post(from_citizen(locked_chat, "one")))
        also_waiting = asyncio.ensure_future(
            writer.post(from_citizen(locked_chat, "two"))
        )
        free = await asyncio.wait_for(
            writer.post(from_citizen(free_chat, "not held up")), 10
        )
        stored_while_locked = waiting.done() or also_waiting.done()
        release.set()
        return free, stored_while_locked, await waiting, await also_waiting

    with row_held_by_other_work(locked_chat) as release:
        free, stored_while_locked, (one, _), (two, _) = async_to_sync(scenario)()
    assert free[0].body == "not held up"
    assert not stored_while_locked
    assert (one.seq, two.seq) == (2, 3)
    assert stored_bodies(locked_chat)[1:] == [(2, "one"), (3, "two")]


@postgresql_only
def test_without_waiting_a_locked_chat_comes_back_busy(agent):
    chat = start()
    with row_held_by_other_work(chat):
        # Had it waited, it would have stored the message once the hold ended.
        [(result, events)] = post_messages([from_citizen(chat, "hi")], wait=False)
    assert isinstance(result, Busy) and events == []
    assert stored_bodies(chat)[-1][1] != "hi"


@postgresql_only
def test_a_busy_chats_later_message_is_busy_too_so_it_cannot_go_first(agent):
    chat, other = start(), start()
    with row_held_by_other_work(chat):
        results = post_messages(
            [
                from_citizen(chat, "first"),
                from_citizen(other, "elsewhere"),
                from_citizen(chat, "second"),
            ],
            wait=False,
        )
    assert [type(result).__name__ for result, _ in results] == [
        "Busy",
        "Message",
        "Busy",
    ]


def test_messages_stored_but_not_broadcast_are_answered_and_logged(agent, caplog):
    """Redis failing after the messages are stored: the senders are still
    answered (their pages show the message from the ack), and the log says
    which chats and numbers the other sockets did not hear of."""
    chats = [start(), start()]

    async def redis_down(events):
        raise ConnectionError("Redis is not answering")

    async def scenario():
        writer = MessageWriter(store_messages, redis_down)
        return await asyncio.gather(
            *(writer.post(from_citizen(chat, "hello")) for chat in chats)
        )

    with caplog.at_level("ERROR", logger="webchat.writer"):
        answered = async_to_sync(scenario)()
    assert [message.body for message, _ in answered] == ["hello", "hello"]
    assert all(events == [] for _, events in answered)
    assert "not broadcast" in caplog.text
    for chat in chats:
        assert f"({chat.pk}, 2)" in caplog.text
