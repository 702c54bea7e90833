"""Domain errors carry a message for the user (an English msgid) and, where it fits, a form field."""
from flask_babel import gettext


class DomainError(Exception):
    """A rule refused the request. Views show `message` on `field` (or the page) with `status`."""

    status = 409

    def __init__(self, message: str, field: str | None = None, status: int | None = None, **params):
        super().__init__(message)
        self.msgid = message
        self.field = field
        self.params = params
        if status is not None:
            self.status = status

    @property
    def message(self) -> str:
        return gettext(self.msgid, **self.params)

    def __str__(self) -> str:
        return self.msgid % self.params if self.params else self.msgid


class InvalidInput(DomainError):
    status = 422


class NotAllowed(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


def N_(message: str) -> str:
    """Marks a msgid for extraction without translating it now (it is translated when shown)."""
    return message


class Conflict(DomainError):
    """The record moved on, or someone else got there first: 409, reload and look again."""

    status = 409
