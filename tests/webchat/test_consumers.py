"""Both ends of a chat over websockets, through the site's own ASGI stack."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from casework.models import StaffNotice
from hertsreport.asgi import application
from tests.webchat.conftest import make_agent
from tests.websockets import Communicator as WebsocketCommunicator
from webchat import services
from webchat.consumers import CLOSE_FORBIDDEN
from webchat.messages import Outgoing, post_messages
from webchat.models import CannedReply, Conversation, DangerPhrase, Message

pytestmark = pytest.mark.django_db(transaction=True)


def socket(path: str, cookie: str = "", origin: str = "http://localhost"):
    headers = [(b"origin", origin.encode()), (b"host", b"localhost")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, path, headers=headers)


def cookie_of(client: Client) -> str:
    return f"sessionid={client.cookies['sessionid'].value}"


def signed_in(user) -> str:
    client = Client()
    client.force_login(user)
    return cookie_of(client)


async def receive_until(ws, kind: str, *, timeout: float = 5) -> dict:
    """The next event of a kind, skipping others (queue updates, history)."""
    for _ in range(50):
        event = await ws.receive_json_from(timeout=timeout)
        if event["type"] == kind:
            return event
    raise AssertionError(f"no {kind} event")


async def next_message(ws, *, sender: str) -> dict:
    for _ in range(50):
        event = await receive_until(ws, "message")
        if event["message"]["sender"] == sender:
            return event["message"]
    raise AssertionError(f"no message from {sender}")


async def console_with_a_chat(cookie: str):
    """An agent's console that has accepted the next chat, and that chat."""
    console = socket("/ws/agent/", cookie)
    await console.connect()
    await console.send_json_to({"type": "accept"})
    return console, (await receive_until(console, "conversation"))["conversation"]


def run(coroutine_function):
    return async_to_sync(coroutine_function)()


def test_citizen_is_told_their_place_in_the_queue(citizen):
    async def scenario():
        ws = socket("/ws/chat/", cookie_of(citizen))
        connected, _ = await ws.connect()
        assert connected
        hello = await receive_until(ws, "hello")
        queue = await receive_until(ws, "queue")
        await ws.disconnect()
        return hello, queue

    hello, queue = run(scenario)
    assert hello["status"] == "waiting"
    assert queue["position"] == 1
    assert queue["wait_minutes"] >= 1


def test_no_chat_in_the_session_is_refused(client, chat_open):
    client.get("/chat/")

    async def scenario():
        return await socket("/ws/chat/").connect()

    connected, code = run(scenario)
    assert not connected
    assert code == CLOSE_FORBIDDEN


def test_a_chat_from_another_site_is_refused(citizen):
    async def scenario():
        return await socket(
            "/ws/chat/", cookie_of(citizen), "http://evil.example"
        ).connect()

    connected, _ = run(scenario)
    assert not connected


def test_an_agent_who_skipped_the_second_factor_cannot_open_the_console(agent):
    client = Client()
    client.force_login(agent)
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]
    session.save()
    cookie = f"sessionid={session.session_key}"

    async def scenario():
        return await socket("/ws/agent/", cookie).connect()

    connected, code = run(scenario)
    assert not connected
    assert code == CLOSE_FORBIDDEN


def test_staff_without_the_agent_permission_cannot_open_the_console(
    django_user_model, chat_open
):
    clerk = django_user_model.objects.create_user(username="clerk", is_staff=True)

    cookie = signed_in(clerk)

    async def scenario():
        return await socket("/ws/agent/", cookie).connect()

    connected, code = run(scenario)
    assert not connected
    assert code == CLOSE_FORBIDDEN


def test_a_conversation_both_ways(citizen, agent):
    agent_cookie = signed_in(agent)

    async def scenario():
        person = socket("/ws/chat/", cookie_of(citizen))
        console = socket("/ws/agent/", agent_cookie)
        await person.connect()
        await console.connect()
        queue = await receive_until(console, "queue")
        assert len(queue["waiting"]) == 1

        await console.send_json_to({"type": "accept"})
        conversation = await receive_until(console, "conversation")
        joined = await next_message(person, sender="system")
        status = await receive_until(person, "status")

        await person.send_json_to(
            {"type": "message", "body": "My bike was stolen", "client_id": "c1"}
        )
        ack = await receive_until(person, "ack")
        heard = await next_message(console, sender="citizen")

        await console.send_json_to(
            {
                "type": "message",
                "conversation": conversation["conversation"]["id"],
                "body": "Sorry to hear that. Where?",
                "client_id": "a1",
            }
        )
        reply = await next_message(person, sender="agent")
        await person.disconnect()
        await console.disconnect()
        return status, joined, ack, heard, reply

    status, joined, ack, heard, reply = run(scenario)
    assert status["status"] == "active"
    assert joined["body"] == "Alex has joined the chat."
    assert heard["body"] == "My bike was stolen"
    assert ack["seq"] == heard["seq"]
    assert reply["body"] == "Sorry to hear that. Where?"
    assert reply["seq"] == heard["seq"] + 1


def test_the_sender_gets_their_own_message_once_in_the_answer_and_other_tabs_too(
    citizen, agent
):
    """The ack carries the stored message: a page that shows it from there
    (its own connection, which the at-most-once broadcast is not) says so,
    and is not sent the broadcast as well; the person's other tab and the
    agent get the broadcast."""
    agent_cookie = signed_in(agent)

    async def scenario():
        person = socket("/ws/chat/", cookie_of(citizen))
        other_tab = socket("/ws/chat/", cookie_of(citizen))
        console = socket("/ws/agent/", agent_cookie)
        for ws in (person, other_tab, console):
            await ws.connect()
        await console.send_json_to({"type": "accept"})
        conversation = (await receive_until(console, "conversation"))["conversation"]
        await next_message(person, sender="system")
        await person.send_json_to(
            {"type": "message", "body": "Hi", "client_id": "c1", "echo": False}
        )
        ack = await receive_until(person, "ack")
        in_other_tab = await next_message(other_tab, sender="citizen")
        heard = await next_message(console, sender="citizen")
        # The agent answers: the next message the sender's page gets is that
        # answer, not a second copy of its own; and the same for the agent.
        await console.send_json_to(
            {
                "type": "message",
                "conversation": conversation["id"],
                "body": "Hello",
                "client_id": "a1",
                "echo": False,
            }
        )
        agents_ack = await receive_until(console, "ack")
        next_for_person = await receive_until(person, "message")
        await person.send_json_to(
            {"type": "message", "body": "Ok", "client_id": "c2", "echo": False}
        )
        next_for_console = await receive_until(console, "message")
        for ws in (person, other_tab, console):
            await ws.disconnect()
        return ack, in_other_tab, heard, agents_ack, next_for_person, next_for_console

    ack, in_other_tab, heard, agents_ack, next_for_person, next_for_console = run(
        scenario
    )
    assert ack["message"] == in_other_tab == heard
    assert ack["message"]["body"] == "Hi" and ack["seq"] == heard["seq"]
    assert next_for_person["message"]["body"] == "Hello"
    assert agents_ack["message"]["body"] == "Hello"
    # Not its own "Hello" again: the person's next message.
    assert next_for_console["message"]["body"] == "Ok"


def test_a_page_loaded_before_the_ack_carried_the_message_still_gets_its_own(
    citizen, agent
):
    """A page open across a release runs the older script, which shows its
    own message only when the broadcast brings it back: without "echo":
    false, the broadcast still comes."""

    async def scenario():
        person = socket("/ws/chat/", cookie_of(citizen))
        await person.connect()
        await person.send_json_to({"type": "message", "body": "Hi", "client_id": "c1"})
        ack = await receive_until(person, "ack")
        echoed = await next_message(person, sender="citizen")
        await person.disconnect()
        return ack, echoed

    ack, echoed = run(scenario)
    assert echoed == ack["message"]
    assert echoed["body"] == "Hi"


def test_a_message_sent_again_reaches_the_agent_again_but_is_stored_once(
    citizen, agent
):
    """A phone whose connection dropped sends its unacknowledged message
    again; the first broadcast may be what was lost, so it goes out again."""
    agent_cookie = signed_in(agent)

    async def scenario():
        person = socket("/ws/chat/", cookie_of(citizen))
        console = socket("/ws/agent/", agent_cookie)
        await person.connect()
        await console.connect()
        await console.send_json_to({"type": "accept"})
        await receive_until(console, "conversation")
        said = {"type": "message", "body": "Are you there?", "client_id": "c1"}
        await person.send_json_to(said)
        first_ack = await receive_until(person, "ack")
        first = await next_message(console, sender="citizen")
        await person.send_json_to(said)
        second_ack = await receive_until(person, "ack")
        again = await next_message(console, sender="citizen")
        await person.disconnect()
        await console.disconnect()
        return first_ack, first, second_ack, again

    first_ack, first, second_ack, again = run(scenario)
    assert again == first
    assert second_ack["seq"] == first_ack["seq"] == first["seq"]
    stored = Message.objects.filter(sender=Message.Sender.CITIZEN)
    assert list(stored.values_list("client_id", flat=True)) == ["c1"]


def test_a_reconnecting_citizen_gets_what_they_missed_in_order(citizen, agent):
    agent_cookie = signed_in(agent)

    async def scenario():
        console = socket("/ws/agent/", agent_cookie)
        await console.connect()
        await console.send_json_to({"type": "accept"})
        conversation = (await receive_until(console, "conversation"))["conversation"][
            "id"
        ]
        # The person's phone is asleep: three messages arrive meanwhile.
        for n in range(3):
            await console.send_json_to(
                {
                    "type": "message",
                    "conversation": conversation,
                    "body": f"m{n}",
                    "client_id": f"a{n}",
                }
            )
            await receive_until(console, "ack")
        person = socket("/ws/chat/", cookie_of(citizen))
        await person.connect()
        await receive_until(person, "hello")
        await person.send_json_to({"type": "sync", "after": 1})
        bodies = [
            (await next_message(person, sender="agent"))["body"] for _ in range(3)
        ]
        await person.disconnect()
        await console.disconnect()
        return bodies

    assert run(scenario) == ["m0", "m1", "m2"]


def test_internal_notes_never_reach_the_citizen(citizen, agent):
    agent_cookie = signed_in(agent)

    async def scenario():
        console = socket("/ws/agent/", agent_cookie)
        person = socket("/ws/chat/", cookie_of(citizen))
        await console.connect()
        await person.connect()
        await console.send_json_to({"type": "accept"})
        conversation = (await receive_until(console, "conversation"))["conversation"][
            "id"
        ]
        await console.send_json_to(
            {
                "type": "note",
                "conversation": conversation,
                "body": "known to us",
                "client_id": "n1",
            }
        )
        # The console's own copy of its note comes with the answer to it.
        note = (await receive_until(console, "ack"))["message"]
        await console.send_json_to(
            {
                "type": "message",
                "conversation": conversation,
                "body": "Hello",
                "client_id": "a1",
            }
        )
        seen = []
        while True:
            message = (await receive_until(person, "message"))["message"]
            seen.append(message["body"])
            if message["body"] == "Hello":
                break
        await person.disconnect()
        await console.disconnect()
        return note, seen

    note, seen = run(scenario)
    assert note["body"] == "known to us"
    assert "known to us" not in seen


def test_ending_the_chat_tells_the_other_side(citizen, agent):
    agent_cookie = signed_in(agent)

    async def scenario():
        console = socket("/ws/agent/", agent_cookie)
        person = socket("/ws/chat/", cookie_of(citizen))
        await console.connect()
        await person.connect()
        await console.send_json_to({"type": "accept"})
        await receive_until(console, "conversation")
        await person.send_json_to({"type": "end"})
        while True:
            status = await receive_until(console, "status")
            if status["status"] == "ended":
                break
        await person.disconnect()
        await console.disconnect()
        return status

    assert run(scenario)["ended_by"] == "citizen"


def test_typing_is_shown_to_the_other_side_only(citizen, agent):
    agent_cookie = signed_in(agent)

    async def scenario():
        console = socket("/ws/agent/", agent_cookie)
        person = socket("/ws/chat/", cookie_of(citizen))
        await console.connect()
        await person.connect()
        await console.send_json_to({"type": "accept"})
        conversation = (await receive_until(console, "conversation"))["conversation"][
            "id"
        ]
        await console.send_json_to({"type": "typing", "conversation": conversation})
        typing = await receive_until(person, "typing")
        await person.disconnect()
        await console.disconnect()
        return typing

    assert run(scenario)["type"] == "typing"


def test_flooding_is_slowed_down(citizen):
    async def scenario():
        person = socket("/ws/chat/", cookie_of(citizen))
        await person.connect()
        codes = []
        for n in range(20):
            await person.send_json_to(
                {"type": "message", "body": f"spam {n}", "client_id": f"s{n}"}
            )
        await person.send_json_to({"type": "ping"})
        while True:
            event = await person.receive_json_from(timeout=5)
            if event["type"] == "pong":
                break
            if event["type"] == "error":
                codes.append(event["code"])
        await person.disconnect()
        return codes

    codes = run(scenario)
    assert "too_fast" in codes
    assert Message.objects.filter(sender="citizen").count() < 20


def test_an_overlong_message_is_refused_with_a_reason(citizen):
    async def scenario():
        person = socket("/ws/chat/", cookie_of(citizen))
        await person.connect()
        await person.send_json_to(
            {"type": "message", "body": "x" * 5000, "client_id": "x"}
        )
        error = await receive_until(person, "error")
        await person.disconnect()
        return error

    assert run(scenario)["code"] == "too_long"


def test_nonsense_from_a_client_is_answered_not_crashed_on(citizen):
    async def scenario():
        person = socket("/ws/chat/", cookie_of(citizen))
        await person.connect()
        replies = []
        for payload in [
            [1, 2],
            {"type": "bogus"},
            {"type": "sync", "after": "x"},
            {"type": 7},
        ]:
            await person.send_json_to(payload)
        await person.send_json_to({"type": "ping"})
        while True:
            event = await person.receive_json_from(timeout=5)
            replies.append(event["type"])
            if event["type"] == "pong":
                break
        await person.disconnect()
        return replies

    replies = run(scenario)
    assert replies.count("error") == 3
    assert replies[-1] == "pong"


def test_danger_words_are_highlighted_for_the_agent(citizen, agent):
    agent_cookie = signed_in(agent)

    DangerPhrase.objects.create(phrase="kill myself")

    async def scenario():
        console = socket("/ws/agent/", agent_cookie)
        person = socket("/ws/chat/", cookie_of(citizen))
        await console.connect()
        await person.connect()
        await console.send_json_to({"type": "accept"})
        await receive_until(console, "conversation")
        await person.send_json_to(
            {"type": "message", "body": "I want to kill myself", "client_id": "d"}
        )
        message = await next_message(console, sender="citizen")
        await person.disconnect()
        await console.disconnect()
        return message

    assert run(scenario)["flagged"] is True


# --- The agent console's protocol ------------------------------------------


def test_the_console_is_greeted_with_presence_and_canned_replies(agent):
    CannedReply.objects.create(title="Greeting", body="Hello, how can I help?")
    agent_cookie = signed_in(agent)

    async def scenario():
        console = socket("/ws/agent/", agent_cookie)
        await console.connect()
        hello = await receive_until(console, "hello")
        queue = await receive_until(console, "queue")
        await console.disconnect()
        return hello, queue

    hello, queue = run(scenario)
    assert hello["presence"] == {"status": "available", "capacity": 3}
    assert hello["canned"][0]["body"] == "Hello, how can I help?"
    assert hello["conversations"] == []
    assert [a["name"] for a in queue["agents"]] == ["Alex"]


def test_flagging_for_dispatch_over_the_socket(citizen, agent):
    agent_cookie = signed_in(agent)

    async def scenario():
        console, conversation = await console_with_a_chat(agent_cookie)
        await console.send_json_to({"type": "flag", "conversation": conversation["id"]})
        note = await next_message(console, sender="note")
        flagged = await receive_until(console, "flagged")
        await console.disconnect()
        return conversation, flagged, note

    conversation, flagged, note = run(scenario)
    assert conversation["dispatch_flagged"] is False
    assert flagged["conversation"] == conversation["id"]
    assert "999 dispatch" in note["body"]
    assert StaffNotice.objects.get().level == "urgent"


def test_a_transfer_moves_the_chat_between_consoles(citizen, agent, django_user_model):
    kim = make_agent(django_user_model, "kim")
    alex_cookie, kim_cookie = signed_in(agent), signed_in(kim)

    async def scenario():
        alex = socket("/ws/agent/", alex_cookie)
        kims = socket("/ws/agent/", kim_cookie)
        await alex.connect()
        await kims.connect()
        await receive_until(kims, "hello")
        await alex.send_json_to({"type": "accept"})
        conversation = (await receive_until(alex, "conversation"))["conversation"]
        await alex.send_json_to(
            {"type": "transfer", "conversation": conversation["id"], "to": kim.pk}
        )
        released = await receive_until(alex, "released")
        arrived = await receive_until(kims, "conversation")
        await alex.send_json_to(
            {
                "type": "message",
                "conversation": conversation["id"],
                "body": "still mine?",
                "client_id": "x",
            }
        )
        refused = await receive_until(alex, "error")
        await alex.disconnect()
        await kims.disconnect()
        return conversation, released, arrived, refused

    conversation, released, arrived, refused = run(scenario)
    assert released["conversation"] == conversation["id"]
    assert arrived["conversation"]["id"] == conversation["id"]
    assert refused == {
        "type": "error",
        "code": "not_yours",
        "conversation": conversation["id"],
        "client_id": "x",
    }


def test_a_console_that_was_away_learns_its_chat_ended(citizen, agent):
    agent_cookie = signed_in(agent)

    async def scenario():
        console, conversation = await console_with_a_chat(agent_cookie)
        await console.disconnect()
        await database_sync_to_async(services.end_conversation)(
            conversation_id=conversation["id"], by="citizen", now=timezone.now()
        )
        console = socket("/ws/agent/", agent_cookie)
        await console.connect()
        hello = await receive_until(console, "hello")
        await console.send_json_to(
            {
                "type": "sync",
                "conversation": conversation["id"],
                "after": conversation["last_seq"],
            }
        )
        missed = await next_message(console, sender="system")
        summary = await receive_until(console, "conversation")
        await console.disconnect()
        return hello, missed, summary

    hello, missed, summary = run(scenario)
    assert hello["conversations"] == []
    assert missed["body"] == "You ended the chat."
    assert summary["conversation"]["status"] == "ended"


def test_the_citizens_page_being_open_is_noted(citizen):
    chat = Conversation.objects.get()
    Conversation.objects.update(citizen_seen_at=None)

    async def scenario():
        person = socket("/ws/chat/", cookie_of(citizen))
        await person.connect()
        await receive_until(person, "hello")
        await person.disconnect()

    run(scenario)
    chat.refresh_from_db()
    assert chat.citizen_seen_at is not None


def test_a_citizen_catching_up_is_told_which_numbers_were_internal_notes(
    citizen, agent
):
    agent_cookie = signed_in(agent)

    async def scenario():
        console, conversation = await console_with_a_chat(agent_cookie)
        for kind, body in [("note", "known to us"), ("message", "Hello")]:
            await console.send_json_to(
                {
                    "type": kind,
                    "conversation": conversation["id"],
                    "body": body,
                    "client_id": kind,
                }
            )
            await receive_until(console, "ack")
        person = socket("/ws/chat/", cookie_of(citizen))
        await person.connect()
        await receive_until(person, "hello")
        await person.send_json_to({"type": "sync", "after": conversation["last_seq"]})
        skip = await receive_until(person, "skip")
        hello = await next_message(person, sender="agent")
        await person.disconnect()
        await console.disconnect()
        return conversation["last_seq"], skip, hello

    joined_seq, skip, hello = run(scenario)
    assert skip["seqs"] == [joined_seq + 1]
    assert hello["seq"] == joined_seq + 2


def test_the_answer_to_a_heartbeat_says_how_far_each_chat_has_gone(citizen, agent):
    """A broadcast lost after its message was stored would go unnoticed in a
    quiet chat: every heartbeat's answer says the last number stored, so the
    page (and the console, for each chat it holds) asks for what it missed."""
    agent_cookie = signed_in(agent)

    async def scenario():
        person = socket("/ws/chat/", cookie_of(citizen))
        console, conversation = await console_with_a_chat(agent_cookie)
        await person.connect()
        # Stored, and its broadcast lost: nobody is sent it.
        await database_sync_to_async(post_messages)(
            [
                Outgoing(
                    conversation_id=conversation["id"],
                    sender=Message.Sender.AGENT,
                    body="Are you still there?",
                    client_id="lost",
                    now=timezone.now(),
                    agent=agent,
                )
            ]
        )
        await person.send_json_to({"type": "ping"})
        persons_pong = await receive_until(person, "pong")
        await console.send_json_to({"type": "ping"})
        consoles_pong = await receive_until(console, "pong")
        await person.disconnect()
        await console.disconnect()
        return conversation, persons_pong, consoles_pong

    conversation, persons_pong, consoles_pong = run(scenario)
    stored = Message.objects.get(client_id="lost").seq
    assert persons_pong["last_seq"] == stored
    assert consoles_pong["last_seqs"] == {str(conversation["id"]): stored}
