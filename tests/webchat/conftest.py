from datetime import time

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission

from webchat.models import AgentPresence, OpeningHours


@pytest.fixture
def chat_open(db):
    """Chat staffed all day, every day, with no agent yet."""
    for day in range(7):
        OpeningHours.objects.create(day=day, opens=time(0, 0), closes=time(23, 59, 59))


def make_agent(django_user_model, username: str, *, available=True, capacity=3):
    agent = django_user_model.objects.create_user(
        username=username,
        password="a-long-test-password",
        is_staff=True,
        first_name=username.title(),
    )
    agent.user_permissions.add(Permission.objects.get(codename="answer_chats"))
    AgentPresence.objects.create(
        agent=agent,
        status=AgentPresence.Status.AVAILABLE
        if available
        else AgentPresence.Status.AWAY,
        capacity=capacity,
        call_sign=username.title(),
    )
    return agent


@pytest.fixture
def agent(django_user_model, chat_open):
    return make_agent(django_user_model, "alex")


@pytest.fixture
def citizen(client, agent):
    """A member of the public who has started a chat (in the queue)."""
    response = client.post("/chat/", {"topic": "advice", "name": "Jo"})
    assert response["Location"] == "/chat/conversation/"
    return client


def sign_in(client, user) -> None:
    """Sign a staff member in to admin, with the second factor if admin asks
    for one (django-otp keeps the verified device in the session)."""
    client.force_login(user)
    if apps.is_installed("django_otp"):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture(scope="session", autouse=True)
def _chat_database_threads_finish(django_db_setup):
    """Let the sockets' database threads finish their work before the test
    database is dropped."""
    yield
    from webchat.consumers import database_threads

    database_threads().shutdown(wait=True)
    database_threads.cache_clear()
