"""A websocket test client that waits long enough on a busy machine."""

from channels.testing import WebsocketCommunicator


class Communicator(WebsocketCommunicator):
    """channels' communicator gives the handshake one second, which a CI
    machine running two test suites can exceed; a refusal is still a
    refusal after ten."""

    async def connect(self, timeout: float = 10):
        return await super().connect(timeout)
