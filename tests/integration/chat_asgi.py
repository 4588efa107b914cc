"""The site's ASGI application, with the chat flood limit chosen by the test.

webchat.consumers.FloodLimit lets each connection send one message a second
(bursts of 8) and cannot be configured, so the 200 messages each way of the
chat integration tests would take over three minutes at a pace that respects
it. Until the limit is a setting, the chat tests serve websockets from this
module: the site's own application, with FloodLimit's defaults taken from
CHAT_FLOOD_RATE (messages a second) and CHAT_FLOOD_BURST. The tests pace
their clients below that rate and fail on any "too_fast" error, so the limit
is still in force, only higher.
"""

import os

from hertsreport.asgi import application  # sets Django up before the import below
from webchat.consumers import FloodLimit

FloodLimit.__init__.__defaults__ = (
    float(os.environ["CHAT_FLOOD_RATE"]),
    int(os.environ["CHAT_FLOOD_BURST"]),
)

__all__ = ["application"]
