from django.urls import path

from webchat.consumers import AgentConsumer, CitizenConsumer

websocket_urlpatterns = [
    path("ws/chat/", CitizenConsumer.as_asgi()),
    path("ws/agent/", AgentConsumer.as_asgi()),
]
