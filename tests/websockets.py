"""A websocket test client that waits long enough on a busy machine, and
ends a refused connection the way a server does."""

from channels.testing import WebsocketCommunicator


class Communicator(WebsocketCommunicator):
    """channels' communicator gives the handshake one second, which a CI
    machine running two test suites can exceed; a refusal is still a
    refusal after ten."""

    async def connect(self, timeout: float = 10):
        connected, code = await super().connect(timeout)
        if not connected:
            # A server tells the application the socket is gone once it has
            # closed it, and stops it if it lingers. Left running, the
            # refused consumer is still waiting on channels-redis when the
            # test's event loop closes and cancels it, and on PostgreSQL and
            # Redis that cancellation hung until the test timed out
            # (reproduced: 120 s). Stopped here, inside the running loop,
            # it ends at once.
            await self.disconnect(code=code or 1000, timeout=1)
        return connected, code
