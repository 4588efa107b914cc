from django.urls import path

from casework.consumers import StaffAlertsConsumer

websocket_urlpatterns = [
    path("ws/staff/alerts/", StaffAlertsConsumer.as_asgi()),
]
