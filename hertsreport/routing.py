"""Every websocket route of the site, gathered from the apps."""

from casework.routing import websocket_urlpatterns as casework_patterns

websocket_urlpatterns = [*casework_patterns]
