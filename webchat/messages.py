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
from datetime import datetime

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from webchat.broadcast import public_group, send_after_commit, staff_group
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


def broadcast(message: Message) -> None:
    """Send a stored message to the chat's sockets (notes to staff only)."""
    group = (
        staff_group(message.conversation_id)
        if message.sender == Message.Sender.NOTE
        else public_group(message.conversation_id)
    )
    send_after_commit(group, {"type": "chat.message", "message": serialise(message)})


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
    body = (body or "").strip()
    if not body:
        raise ChatError("empty")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ChatError("too_long")
    message = Message(
        conversation_id=conversation_id,
        sender=sender,
        author=author,
        body=body,
        client_id=client_id[:64],
        flagged=sender == Message.Sender.CITIZEN and is_dangerous(body),
        created_at=now,
    )
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
            "WHERE conversation_id = %s AND client_id = %s)"
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
