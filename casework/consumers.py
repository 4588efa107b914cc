"""Live notices to staff pages: any active staff member may listen."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from casework.admin_security import passed_second_factor
from casework.services import STAFF_ALERTS_GROUP

# Close code for "you are not allowed here" (4000-4999 are the application's).
CLOSE_FORBIDDEN = 4403


class StaffAlertsConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if not (
            user
            and user.is_authenticated
            and user.is_active
            and user.is_staff
            and await database_sync_to_async(passed_second_factor)(
                user, self.scope.get("session")
            )
        ):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.channel_layer.group_add(STAFF_ALERTS_GROUP, self.channel_name)
        self.listening = True
        await self.accept()

    async def disconnect(self, code: int) -> None:
        # A refused connection never joined: nothing to tell the channel layer.
        if getattr(self, "listening", False):
            await self.channel_layer.group_discard(
                STAFF_ALERTS_GROUP, self.channel_name
            )

    async def receive_json(self, content, **kwargs) -> None:
        # Staff pages only listen; the heartbeat keeps idle proxies from
        # closing the socket.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def staff_notice(self, event: dict) -> None:
        await self.send_json(
            {
                "type": "notice",
                "id": event["id"],
                "text": event["text"],
                "level": event["level"],
                "link": event["link"],
            }
        )
