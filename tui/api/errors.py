"""What can go wrong talking to the server, in the terms the screens act on."""

from __future__ import annotations

from dataclasses import dataclass

from tui.i18n import _


class ApiError(Exception):
    """The server answered, but not with what was asked (a GraphQL error)."""


class ServerUnreachable(ApiError):
    """No answer from the server: down, wrong URL, network gone."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(
            _("Cannot reach the server at {url}: {reason}").format(url=url, reason=reason)
        )
        self.url = url
        self.reason = reason


class NotAuthenticated(ApiError):
    """No token, or the token expired or was revoked: log in again."""


@dataclass(frozen=True)
class FieldError:
    """One userError: which input field (dotted, "" for the whole form) and why."""

    field: str
    code: str
    message: str


class UserErrors(ApiError):
    """The server refused the input; nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors

    def for_field(self, name: str) -> str | None:
        """The message for one input field, if the server named it."""
        for error in self.errors:
            if error.field == name or error.field.startswith(name + "."):
                return error.message
        return None
