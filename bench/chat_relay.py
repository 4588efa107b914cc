"""The floor for bench/chat_latency.py: a chat relay with no Django.

A `websockets` server that passes each chat message through Redis PUBLISH/
SUBSCRIBE to every socket of the same conversation, on this relay or
another: the hops of the real chat (client, server process, Redis, server
process, client) with nothing stored and nothing checked. It answers the
same frames the site's consumers do (an ack with the numbered message to the
sender, the message to every other socket of the conversation, and to the
sender too unless it asked not to be), so the
client and the bytes on the wire are the same as in the measured run.

    python -m bench.chat_relay --port 9001 --redis redis://127.0.0.1:6379/13

Sockets connect to /<role>/<conversations>/: role "citizen" or "agent", and
the ids of the conversations the socket takes part in, separated by commas
(an agent's messages say which one they are for, as on the site).
"""

import argparse
import asyncio
import itertools
import json
import signal
from collections import defaultdict
from datetime import UTC, datetime

import redis.asyncio as redis
from websockets.asyncio.server import ServerConnection, broadcast, serve

CHANNEL_PREFIX = "relay-chat:"


class Relay:
    def __init__(self, redis_url: str):
        # Hundreds of sockets publish at once: wait for a free connection
        # rather than fail when all are busy.
        self.redis = redis.Redis(
            connection_pool=redis.BlockingConnectionPool.from_url(
                redis_url, max_connections=32, timeout=30
            )
        )
        self.local: dict[str, set[ServerConnection]] = defaultdict(set)
        self.numbers = itertools.count(1)
        # Which socket here sent a message (by the client's id for it, which
        # the bench makes unique): it is not sent its own message again.
        self.senders: dict[str, ServerConnection] = {}

    async def fan_out(self) -> None:
        """Every published message, to this relay's sockets of its conversation."""
        pubsub = self.redis.pubsub()
        await pubsub.psubscribe(f"{CHANNEL_PREFIX}*")
        async for published in pubsub.listen():
            if published["type"] != "pmessage":
                continue
            conversation = published["channel"].decode()[len(CHANNEL_PREFIX) :]
            frame = published["data"].decode()
            message = json.loads(frame)["message"]
            sender = self.senders.pop(message["client_id"], None)
            broadcast(
                [s for s in self.local.get(conversation, ()) if s is not sender], frame
            )

    async def serve_socket(self, websocket: ServerConnection) -> None:
        try:
            role, joined = websocket.request.path.strip("/").split("/")
        except ValueError:
            await websocket.close(4404)
            return
        conversations = joined.split(",")
        for conversation in conversations:
            self.local[conversation].add(websocket)
        try:
            async for frame in websocket:
                event = json.loads(frame)
                conversation = str(event.get("conversation", conversations[0]))
                await self.relay(websocket, role, conversation, event)
        finally:
            for conversation in conversations:
                self.local[conversation].discard(websocket)

    async def relay(self, websocket, role: str, conversation: str, event: dict):
        if event.get("type") != "message":
            return
        seq = next(self.numbers)
        message = {
            "seq": seq,
            "sender": role,
            "body": event["body"],
            "client_id": event["client_id"],
            "flagged": False,
            "sent_at": datetime.now(UTC).isoformat(),
            "conversation": int(conversation),
        }
        if event.get("echo") is False:
            self.senders[event["client_id"]] = websocket
        await self.redis.publish(
            CHANNEL_PREFIX + conversation,
            json.dumps({"type": "message", "message": message}),
        )
        await websocket.send(
            json.dumps(
                {
                    "type": "ack",
                    "conversation": message["conversation"],
                    "client_id": event["client_id"],
                    "seq": seq,
                    "message": message,
                }
            )
        )


async def main(port: int, redis_url: str) -> None:
    relay = Relay(redis_url)
    fan_out = asyncio.create_task(relay.fan_out())
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, 0)
    async with serve(
        relay.serve_socket, "127.0.0.1", port, compression=None, max_queue=None
    ):
        print(f"relay listening on {port}", flush=True)
        await asyncio.wait([stop, fan_out], return_when=asyncio.FIRST_COMPLETED)
    fan_out.cancel()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--redis", required=True)
    args = parser.parse_args()
    asyncio.run(main(args.port, args.redis))
