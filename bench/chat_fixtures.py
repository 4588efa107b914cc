"""Chats in progress for bench/chat_latency.py, made straight in the database.

Run in a process of its own with the bench's environment (DATABASE_URL names
the bench database); prints JSON: for each conversation its id, the citizen's
session key and which agent holds it; and each agent's session key.

    python -m bench.chat_fixtures CONVERSATIONS CHATS_PER_AGENT

Accepting hundreds of chats through the agent protocol would time the queue
rather than messages, and every accept tells every agent and every waiting
citizen that the queue changed (each answer is a few queries): with 500
chats that is hundreds of thousands of queries before the first message.
So the chats are made as the protocol would leave them: active, each with
an agent, the citizen's token in their session and the agent signed in.
"""

import json
import secrets
import sys
from datetime import timedelta

import django

django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Permission  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from webchat.models import AgentPresence, Conversation  # noqa: E402
from webchat.services import hash_token  # noqa: E402
from webchat.views import CHAT_SESSION_KEY  # noqa: E402

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def session(data: dict, expires) -> Session:
    store = SessionStore()
    return Session(
        session_key=store._get_new_session_key(),
        session_data=store.encode(data),
        expire_date=expires,
    )


def verified_devices(agents) -> dict[int, dict]:
    """For each agent, what a session holds once their TOTP code was accepted.

    The agent console asks for the second factor as admin does (django-otp
    keeps the verified device in the session).
    """
    if not apps.is_installed("django_otp"):
        return {}
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices = TOTPDevice.objects.bulk_create(
        TOTPDevice(user=agent, name="bench", confirmed=True) for agent in agents
    )
    return {
        device.user_id: {DEVICE_ID_SESSION_KEY: device.persistent_id}
        for device in devices
    }


@transaction.atomic
def make_chats(conversations: int, chats_per_agent: int) -> dict:
    now = timezone.now()
    expires = now + timedelta(days=1)
    user_model = get_user_model()
    agent_count = -(-conversations // chats_per_agent)
    agents = user_model.objects.bulk_create(
        user_model(
            username=f"bench-agent-{n}",
            # They never sign in with a password: the bench makes their sessions.
            password=make_password(None),
            is_staff=True,
            first_name=f"Agent {n}",
        )
        for n in range(agent_count)
    )
    answer = Permission.objects.get(codename="answer_chats")
    user_model.user_permissions.through.objects.bulk_create(
        user_model.user_permissions.through(user_id=agent.pk, permission_id=answer.pk)
        for agent in agents
    )
    AgentPresence.objects.bulk_create(
        AgentPresence(
            agent=agent,
            status=AgentPresence.Status.AVAILABLE,
            capacity=max(chats_per_agent, 1),
            call_sign=agent.first_name,
        )
        for agent in agents
    )
    second_factor = verified_devices(agents)
    backend = (
        MODEL_BACKEND
        if MODEL_BACKEND in settings.AUTHENTICATION_BACKENDS
        else settings.AUTHENTICATION_BACKENDS[-1]
    )
    agent_sessions = [
        session(
            {
                SESSION_KEY: str(agent.pk),
                BACKEND_SESSION_KEY: backend,
                HASH_SESSION_KEY: agent.get_session_auth_hash(),
                **second_factor.get(agent.pk, {}),
            },
            expires,
        )
        for agent in agents
    ]
    tokens = [secrets.token_urlsafe(32) for _ in range(conversations)]
    chats = Conversation.objects.bulk_create(
        Conversation(
            token_hash=hash_token(token),
            topic=Conversation.Topic.ADVICE,
            status=Conversation.Status.ACTIVE,
            agent=agents[n // chats_per_agent],
            created_at=now,
            accepted_at=now,
            last_citizen_activity=now,
        )
        for n, token in enumerate(tokens)
    )
    citizen_sessions = [session({CHAT_SESSION_KEY: token}, expires) for token in tokens]
    Session.objects.bulk_create(agent_sessions + citizen_sessions)
    return {
        "agents": [s.session_key for s in agent_sessions],
        "chats": [
            {
                "id": chat.pk,
                "citizen": citizen.session_key,
                "agent": n // chats_per_agent,
            }
            for n, (chat, citizen) in enumerate(
                zip(chats, citizen_sessions, strict=True)
            )
        ],
    }


if __name__ == "__main__":
    print(json.dumps(make_chats(int(sys.argv[1]), int(sys.argv[2]))))
