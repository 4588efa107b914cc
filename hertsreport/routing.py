"""Every websocket route of the site, gathered from the apps."""

from casework.routing import websocket_urlpatterns as casework_patterns
from webchat.routing import websocket_urlpatterns as webchat_patterns

websocket_urlpatterns = [*casework_patterns, *webchat_patterns]
