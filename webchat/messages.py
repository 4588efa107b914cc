"""Storing chat messages: each numbered, stored, then broadcast.

The channel layer delivers at most once, so nothing depends on it: each
message is written with the next sequence number of its conversation before
it is sent, and a client that missed anything asks for what came after the
last number it has (`messages_after`).

A message is the busiest write of the site (every line typed in every chat),
so numbering and storing it is one statement on PostgreSQL: the UPDATE that
takes the conversation's next number (and its row lock, so numbers are given
one at a time) feeds the INSERT of the message.
"""

import time
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import (
    DatabaseError,
    DataError,
    IntegrityError,
    connection,
    transaction,
)
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from hertsreport.fields import without_control_characters
from webchat.broadcast import (
    Event,
    broadcasts_collected,
    public_group,
    send_after_commit,
    staff_group,
)
from webchat.errors import ChatError
from webchat.models import Conversation, DangerPhrase, Message

MAX_MESSAGE_LENGTH = 1000

# --- Danger words ----------------------------------------------------------
# Read for every message the public send, changed now and then in admin: kept
# in the shared cache, dropped whenever one is saved or deleted. The timeout
# bounds how long a list read just before a change could outlive it. Each
# process also keeps the list it read for a few seconds, which spares a Redis
# round trip per message: a change made in admin (another process) takes
# effect in daphne within those seconds.
DANGER_PHRASES_KEY = "webchat:danger-phrases"
DANGER_PHRASES_TIMEOUT = 300
DANGER_PHRASES_HELD_SECONDS = 10.0
_held_phrases: tuple[float, list[str]] | None = None


def danger_phrases() -> list[str]:
    global _held_phrases
    now = time.monotonic()
    if _held_phrases is not None and now - _held_phrases[0] < (
        DANGER_PHRASES_HELD_SECONDS
    ):
        return _held_phrases[1]
    phrases = cache.get(DANGER_PHRASES_KEY)
    if phrases is None:
        phrases = [
            phrase.casefold()
            for phrase in DangerPhrase.objects.values_list("phrase", flat=True)
        ]
        cache.set(DANGER_PHRASES_KEY, phrases, DANGER_PHRASES_TIMEOUT)
    _held_phrases = (now, phrases)
    return phrases


@receiver([post_save, post_delete], sender=DangerPhrase)
def forget_danger_phrases(**kwargs) -> None:
    global _held_phrases
    # Now, for the rest of this transaction; and after commit, in case another
    # process read the old list in between and cached it again.
    _held_phrases = None
    cache.delete(DANGER_PHRASES_KEY)
    transaction.on_commit(lambda: cache.delete(DANGER_PHRASES_KEY))


def is_dangerous(body: str) -> bool:
    text = body.casefold()
    return any(phrase in text for phrase in danger_phrases())


# --- Messages ----------------------------------------------------------------


def serialise(message: Message) -> dict:
    return {
        "seq": message.seq,
        "sender": message.sender,
        "body": message.body,
        "client_id": message.client_id,
        "flagged": message.flagged,
        "sent_at": message.created_at.isoformat(),
        "conversation": message.conversation_id,
    }


def message_event(message: Message) -> Event:
    """What the chat's sockets are sent for a stored message (notes go to
    staff only)."""
    group = (
        staff_group(message.conversation_id)
        if message.sender == Message.Sender.NOTE
        else public_group(message.conversation_id)
    )
    return group, {"type": "chat.message", "message": serialise(message)}


def broadcast(message: Message) -> None:
    """Send a stored message to the chat's sockets, once committed."""
    send_after_commit(*message_event(message))


def check_may_answer(agent) -> None:
    """Staff with the permission to answer chats (no query once the agent's
    permissions are loaded: a console checks this for every message)."""
    if not (
        agent.is_active and agent.is_staff and agent.has_perm("webchat.answer_chats")
    ):
        raise ChatError("forbidden")


def post_message(
    *,
    conversation_id: int,
    sender: str,
    body: str,
    now: datetime,
    author=None,
    client_id: str = "",
    held_by=None,
) -> Message:
    """Store a message with the conversation's next number, then broadcast it.

    Refused when the chat has ended, or (with `held_by`, an agent) when that
    agent no longer holds it. A message whose client_id was stored already is
    returned as it was, not stored again (a resend after a dropped
    connection), and broadcast again: the first broadcast may be what the
    dropped connection lost.
    """
    message = _new_message(
        conversation_id=conversation_id,
        sender=sender,
        body=body,
        now=now,
        author=author,
        client_id=client_id,
    )
    return _post(message, held_by=held_by)


def _new_message(
    *, conversation_id, sender, body, now, author=None, client_id=""
) -> Message:
    body = without_control_characters(body or "").strip()
    if not body:
        raise ChatError("empty")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ChatError("too_long")
    return Message(
        conversation_id=conversation_id,
        sender=sender,
        author=author,
        body=body,
        client_id=client_id[:64],
        flagged=sender == Message.Sender.CITIZEN and is_dangerous(body),
        created_at=now,
    )


def _post(message: Message, *, held_by) -> Message:
    # Twice at most: a chat that changed hands between the attempt and the
    # look at why it failed is tried once more.
    for _attempt in range(2):
        if _store_numbered(message, held_by=held_by):
            broadcast(message)
            return message
        existing = _why_not_stored(message, held_by=held_by)
        if existing is not None:
            broadcast(existing)
            return existing
    raise ChatError("try_again")


# --- Many messages at once -----------------------------------------------------
# Under load, the sockets of one process hand their messages to one writer
# (webchat/writer.py), which stores all that are waiting in one transaction:
# one commit, one flush of PostgreSQL's log, for many chats, instead of one
# each. Each message is still stored before anyone is told of it.


@dataclass
class Outgoing:
    """A message someone is sending: from the person (agent None), or from
    the agent who must still hold the chat."""

    conversation_id: int
    sender: str
    body: str
    client_id: str
    now: datetime
    agent: object = None


class Busy(Exception):
    """The chat's row is locked by other work for now (post_messages with
    wait=False): the message was not stored, and can be sent alone."""


# The stored message and the events to send for it; or what refused it
# (ChatError, DoesNotExist: no such chat, DatabaseError), or Busy.
Posted = tuple[Message | Exception, list[Event]]


def post_messages(batch: list[Outgoing], *, wait: bool = True) -> list[Posted]:
    """Store each message of the batch, in the batch's order, and say for
    each what came of it. One refused, or failing, does not hold up the rest.

    On PostgreSQL the messages of different chats (at most one each) are
    numbered and stored together in one transaction; any that this could not
    store (a chat ended, a resend) are then taken one at a time, as
    post_message takes them. Without `wait`, a chat whose row other work has
    locked (an agent turning it into a report, the idle sweep) is not waited
    for: its message comes back Busy, and the rest are stored. With `wait`,
    a lock held longer than CHAT_LOCK_TIMEOUT fails that message (the page
    sends it again). A database that cannot be reached fails the lot: it
    raises, rather than trying each message in turn.
    """
    results: list[Posted | None] = [None] * len(batch)
    ready: list[tuple[int, Message, object]] = []
    for index, item in enumerate(batch):
        try:
            if item.agent is not None:
                check_may_answer(item.agent)
            message = _new_message(
                conversation_id=item.conversation_id,
                sender=item.sender,
                body=item.body,
                now=item.now,
                author=item.agent,
                client_id=item.client_id,
            )
        except ChatError as error:
            results[index] = (error, [])
            continue
        ready.append((index, message, item.agent))
    stored, busy = _store_together(ready, wait=wait)
    busy_chats = {message.conversation_id for i, message, _ in ready if i in busy}
    for index, message, held_by in ready:
        if index in stored:
            results[index] = (message, [message_event(message)])
            continue
        if index in busy or message.conversation_id in busy_chats:
            # A busy chat's later messages too: they must not go first.
            results[index] = (Busy(), [])
            continue
        try:
            with broadcasts_collected() as events:
                posted = _post(message, held_by=held_by)
            results[index] = (posted, list(events))
        except (ChatError, Conversation.DoesNotExist, DatabaseError) as error:
            results[index] = (error, [])
    return results


def batch_statement(*, wait: bool) -> str:
    """The one statement that stores a batch (parameters: arrays, one
    element a message; then the citizen sender and the ended status). It
    gives a row for each chat it locked: the chat, and the stored message's
    id and number, or NULLs when that message may not be stored.

    It locks the chats' rows first, in the order of their ids (PostgreSQL
    sorts before it locks), so two processes storing for the same chats at
    once wait for each other instead of deadlocking; without `wait` it skips
    rows other work has locked (and waits for nothing, so cannot deadlock).
    """
    conversation_table = Conversation._meta.db_table
    message_table = Message._meta.db_table
    skip = "" if wait else " SKIP LOCKED"
    return (
        "WITH input AS (SELECT * FROM unnest("  # noqa: S608
        "%s::bigint[], %s::text[], %s::bigint[], %s::text[], %s::text[], "
        "%s::boolean[], %s::timestamptz[], %s::bigint[]) AS t(conversation_id, "
        "sender, author_id, body, client_id, flagged, created_at, held_by)), "
        f"locked AS MATERIALIZED (SELECT id FROM {conversation_table} "
        "WHERE id IN (SELECT conversation_id FROM input) "
        f"ORDER BY id FOR UPDATE{skip}), "
        f"numbered AS (UPDATE {conversation_table} AS c "
        "SET last_seq = c.last_seq + 1, last_citizen_activity = CASE "
        "WHEN i.sender = %s THEN i.created_at ELSE c.last_citizen_activity END "
        "FROM input AS i JOIN locked AS l ON l.id = i.conversation_id "
        "WHERE c.id = i.conversation_id AND c.status <> %s "
        "AND (i.held_by IS NULL OR c.agent_id = i.held_by) "
        "AND (i.client_id = '' OR NOT EXISTS ("
        f"SELECT 1 FROM {message_table} AS m WHERE "
        "m.conversation_id = i.conversation_id AND m.client_id = i.client_id "
        # Says what the unique client_id index covers, so that index is
        # used: without it each message read every earlier one of its chat.
        "AND m.client_id <> '')) "
        "RETURNING c.id, c.last_seq), "
        f"stored AS (INSERT INTO {message_table} (conversation_id, seq, sender, "
        "author_id, body, client_id, flagged, created_at) "
        "SELECT i.conversation_id, n.last_seq, i.sender, i.author_id, i.body, "
        "i.client_id, i.flagged, i.created_at "
        "FROM numbered AS n JOIN input AS i ON i.conversation_id = n.id "
        "RETURNING id, conversation_id, seq) "
        "SELECT l.id, s.id, s.seq FROM locked AS l "
        "LEFT JOIN stored AS s ON s.conversation_id = l.id"
    )


def _store_together(
    ready: list[tuple[int, Message, object]], *, wait: bool
) -> tuple[set[int], set[int]]:
    """Number and insert the messages (the first for each chat) in one
    statement: the indexes of those stored, and (without `wait`) of those
    whose chat was locked by other work. Those neither stored nor busy are
    taken one at a time after: a chat's second message, a chat that has
    ended, a resend. Nothing is stored together on SQLite; nor when the
    statement fails (a resend that raced its first copy breaks the unique
    client_id and undoes the lot), when each is taken alone instead, which
    knows what to do or fails for that message only."""
    if connection.vendor != "postgresql" or not ready:
        return set(), set()
    firsts: dict[int, tuple[int, Message, object]] = {}
    for entry in ready:
        firsts.setdefault(entry[1].conversation_id, entry)
    taking = list(firsts.values())
    try:
        # One statement is one transaction (no BEGIN and COMMIT of its own).
        # Inside a caller's, only this statement is undone if it fails.
        # Waiting, it waits so long at most: a transaction of its own.
        with (
            transaction.atomic()
            if wait or connection.in_atomic_block
            else nullcontext(),
            connection.cursor() as cursor,
        ):
            if wait:
                cursor.execute(
                    "SET LOCAL lock_timeout = %s",
                    [f"{int(settings.CHAT_LOCK_TIMEOUT * 1000)}ms"],
                )
            cursor.execute(batch_statement(wait=wait), _batch_parameters(taking))
            rows = cursor.fetchall()
    except (IntegrityError, DataError):
        # A resend that raced its first copy, or one message the database
        # refuses: taken alone, each knows what to do or fails by itself.
        # Without waiting they come back Busy, to be taken alone elsewhere.
        if wait:
            return set(), set()
        return set(), {index for index, _, _ in taking}
    locked = {chat: (pk, seq) for chat, pk, seq in rows}
    stored = set()
    for index, message, _ in taking:
        pk, seq = locked.get(message.conversation_id, (None, None))
        if pk is not None:
            message.pk, message.seq = pk, seq
            message._state.adding = False
            message._state.db = connection.alias
            stored.add(index)
    # Not locked: locked by other work, or no such chat (taken alone, it
    # says so).
    busy = (
        set()
        if wait
        else {index for chat, (index, _, _) in firsts.items() if chat not in locked}
    )
    return stored, busy


def _batch_parameters(taking: list[tuple[int, Message, object]]) -> list:
    messages = [message for _, message, _ in taking]
    return [
        [message.conversation_id for message in messages],
        [message.sender for message in messages],
        [message.author_id for message in messages],
        [message.body for message in messages],
        [message.client_id for message in messages],
        [message.flagged for message in messages],
        [message.created_at for message in messages],
        [getattr(held_by, "pk", None) for _, _, held_by in taking],
        Message.Sender.CITIZEN,
        Conversation.Status.ENDED,
    ]


# S608 below: only table names from the models and fixed fragments are put
# into the SQL text; every value is a parameter.


def _numbering(message: Message, held_by) -> tuple[str, list]:
    """The UPDATE that takes the next number, if the message may be stored."""
    conversation_table = Conversation._meta.db_table
    message_table = Message._meta.db_table
    sets, params = ["last_seq = last_seq + 1"], []
    if message.sender == Message.Sender.CITIZEN:
        sets.append("last_citizen_activity = %s")
        params.append(connection.ops.adapt_datetimefield_value(message.created_at))
    conditions = ["id = %s", "status <> %s"]
    params += [message.conversation_id, Conversation.Status.ENDED]
    if held_by is not None:
        conditions.append("agent_id = %s")
        params.append(held_by.pk)
    if message.client_id:
        conditions.append(
            f"NOT EXISTS (SELECT 1 FROM {message_table} "  # noqa: S608
            "WHERE conversation_id = %s AND client_id = %s AND client_id <> '')"
        )
        params += [message.conversation_id, message.client_id]
    sql = (
        f"UPDATE {conversation_table} SET {', '.join(sets)} "  # noqa: S608
        f"WHERE {' AND '.join(conditions)} RETURNING last_seq"
    )
    return sql, params


def _store_numbered(message: Message, *, held_by) -> bool:
    """Number and insert the message; False when it may not be stored."""
    numbering, params = _numbering(message, held_by)
    if connection.vendor != "postgresql":
        # No UPDATE inside a WITH elsewhere: two statements, one transaction.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(numbering, params)
            row = cursor.fetchone()
            if row is None:
                return False
            message.seq = row[0]
            message.save(force_insert=True)
        return True
    sql = (
        f"WITH numbered AS ({numbering}) "  # noqa: S608
        f"INSERT INTO {Message._meta.db_table} (conversation_id, seq, sender, "
        "author_id, body, client_id, flagged, created_at) "
        "SELECT %s, last_seq, %s, %s, %s, %s, %s, %s FROM numbered "
        "RETURNING id, seq"
    )
    params += [
        message.conversation_id,
        message.sender,
        message.author_id,
        message.body,
        message.client_id,
        message.flagged,
        message.created_at,
    ]
    try:
        # A resend racing its first copy breaks the unique client_id: inside
        # a caller's transaction, only this statement must be undone.
        with (
            (
                transaction.atomic()
                if message.client_id and connection.in_atomic_block
                else nullcontext()
            ),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)
            row = cursor.fetchone()
    except IntegrityError:
        if not message.client_id:
            raise
        return False
    if row is None:
        return False
    message.pk, message.seq = row
    message._state.adding = False
    message._state.db = connection.alias
    return True


def _why_not_stored(message: Message, *, held_by) -> Message | None:
    """The copy stored already, or the ChatError saying why not; None when
    nothing stands in the way any longer (worth another try)."""
    if message.client_id:
        existing = Message.objects.filter(
            conversation_id=message.conversation_id, client_id=message.client_id
        ).first()
        if existing is not None:
            return existing
    conversation = Conversation.objects.get(pk=message.conversation_id)
    if conversation.status == Conversation.Status.ENDED:
        raise ChatError("ended")
    if held_by is not None and conversation.agent_id != held_by.pk:
        raise ChatError("not_yours")
    return None


def messages_after(
    *, conversation_id: int, after_seq: int, include_notes: bool = False
) -> list[dict]:
    messages = Message.objects.filter(
        conversation_id=conversation_id, seq__gt=after_seq
    ).order_by("seq")
    if not include_notes:
        messages = messages.exclude(sender=Message.Sender.NOTE)
    return [serialise(message) for message in messages]
