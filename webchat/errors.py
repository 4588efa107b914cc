class ChatError(Exception):
    """An action that cannot be done; `code` tells the client which."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code
