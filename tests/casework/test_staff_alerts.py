"""Live staff notices over websockets, through the site's real ASGI stack."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from casework.consumers import CLOSE_FORBIDDEN
from casework.models import StaffNotice
from casework.services import post_staff_notice
from hertsreport.asgi import application
from tests.websockets import Communicator as WebsocketCommunicator

pytestmark = pytest.mark.django_db(transaction=True)


def session_cookie_for(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def communicator(*, cookie: bytes = b"", origin: bytes = b"http://localhost"):
    headers = [(b"origin", origin), (b"host", b"localhost")]
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, "/ws/staff/alerts/", headers=headers)


def test_staff_page_receives_a_notice_as_soon_as_it_is_posted(staff_user):
    cookie = session_cookie_for(staff_user)

    async def scenario():
        socket = communicator(cookie=cookie)
        connected, _ = await socket.connect()
        assert connected
        await sync_to_async(post_staff_notice)(
            text="New high-priority report 26-0001", level="urgent", link="/admin/"
        )
        message = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return message

    message = async_to_sync(scenario)()
    assert message["type"] == "notice"
    assert message["text"] == "New high-priority report 26-0001"
    assert message["level"] == "urgent"
    notice = StaffNotice.objects.get()
    assert notice.broadcast_at is not None


def test_heartbeat_is_answered(staff_user):
    cookie = session_cookie_for(staff_user)

    async def scenario():
        socket = communicator(cookie=cookie)
        await socket.connect()
        await socket.send_json_to({"type": "ping"})
        reply = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return reply

    assert async_to_sync(scenario)() == {"type": "pong"}


def test_someone_not_signed_in_is_refused():
    async def scenario():
        socket = communicator()
        return await socket.connect()

    connected, code = async_to_sync(scenario)()
    assert not connected
    assert code == CLOSE_FORBIDDEN


def test_a_member_of_the_public_signed_in_is_refused(django_user_model):
    citizen = django_user_model.objects.create_user(username="citizen", password="x")
    cookie = session_cookie_for(citizen)

    async def scenario():
        return await communicator(cookie=cookie).connect()

    connected, code = async_to_sync(scenario)()
    assert not connected
    assert code == CLOSE_FORBIDDEN


def test_a_page_from_another_site_is_refused(staff_user):
    cookie = session_cookie_for(staff_user)

    async def scenario():
        return await communicator(
            cookie=cookie, origin=b"http://evil.example"
        ).connect()

    connected, _ = async_to_sync(scenario)()
    assert not connected


def test_a_staff_session_that_skipped_the_second_factor_is_refused(staff_user):
    client = Client()
    client.force_login(staff_user)
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]
    session.save()
    cookie = f"sessionid={session.session_key}".encode()

    async def scenario():
        return await communicator(cookie=cookie).connect()

    connected, code = async_to_sync(scenario)()
    assert not connected
    assert code == CLOSE_FORBIDDEN
