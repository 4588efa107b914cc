"""Sending a batch's events to the chat sockets' groups (broadcast.send_all):
on Redis, one pipeline; on the in-memory layer, one by one. Either way each
socket hears every event of its groups, once, in the order sent."""

import asyncio

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from webchat.broadcast import send_all


def test_each_socket_hears_its_groups_events_once_in_order():
    async def scenario():
        layer = get_channel_layer()
        citizen = await layer.new_channel()
        agent = await layer.new_channel()
        await layer.group_add("chat-1", citizen)
        await layer.group_add("chat-1", agent)
        await layer.group_add("chat-2", agent)
        try:
            await send_all(
                layer,
                [
                    ("chat-1", {"type": "chat.message", "n": 1}),
                    ("chat-2", {"type": "chat.message", "n": 2}),
                    ("chat-1", {"type": "chat.message", "n": 3}),
                ],
            )
            heard = {citizen: [], agent: []}
            for channel, expected in ((citizen, 2), (agent, 3)):
                for _ in range(expected):
                    event = await asyncio.wait_for(layer.receive(channel), 5)
                    heard[channel].append(event["n"])
            # Nothing more comes.
            extra = [
                asyncio.wait_for(layer.receive(channel), 0.3)
                for channel in (citizen, agent)
            ]
            results = await asyncio.gather(*extra, return_exceptions=True)
            return heard[citizen], heard[agent], results
        finally:
            for group, channel in (
                ("chat-1", citizen),
                ("chat-1", agent),
                ("chat-2", agent),
            ):
                await layer.group_discard(group, channel)

    citizen, agent, extra = async_to_sync(scenario)()
    assert citizen == [1, 3]
    assert agent == [1, 2, 3]
    assert all(isinstance(result, asyncio.TimeoutError) for result in extra)
