"""Outbox errors, each with a message an agent can read."""


class NotificationError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
