from django.urls import path

from webchat.agent_consumer import AgentConsumer
from webchat.consumers import CitizenConsumer

websocket_urlpatterns = [
    path("ws/chat/", CitizenConsumer.as_asgi()),
    path("ws/agent/", AgentConsumer.as_asgi()),
]
