"""Expected failures of domain operations, with codes the API turns into userErrors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from enum import StrEnum


def N_(message: str) -> str:
    """Mark a message for the server's catalogue (server/language/locale); it is translated where
    the API answers, in the language the request asks for."""
    return message


class ErrorCode(StrEnum):
    REQUIRED = "required"
    INVALID = "invalid"
    TOO_LONG = "too_long"
    OUT_OF_RANGE = "out_of_range"
    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"
    STALE_VERSION = "stale_version"
    DUPLICATE = "duplicate"
    INVALID_CREDENTIALS = "invalid_credentials"
    LOCKED = "locked"
    UNAUTHENTICATED = "unauthenticated"
    INVALID_STATE = "invalid_state"


# What each code means, for the schema and anyone reading a userError.
ERROR_MEANING = {
    ErrorCode.REQUIRED: N_("A required value is missing."),
    ErrorCode.INVALID: N_("The value is malformed."),
    ErrorCode.TOO_LONG: N_("The text is longer than allowed."),
    ErrorCode.OUT_OF_RANGE: N_("The number or date is outside the allowed range."),
    ErrorCode.NOT_FOUND: N_("No such object, or it is not visible to you."),
    ErrorCode.NOT_ALLOWED: N_("You may see the object but not do this to it."),
    ErrorCode.STALE_VERSION: N_(
        "The record changed since you read it; reload, then apply your change again."
    ),
    ErrorCode.DUPLICATE: N_("That value is already taken."),
    ErrorCode.INVALID_CREDENTIALS: N_("Wrong username or password."),
    ErrorCode.LOCKED: N_("Too many failed logins; the account is locked for a while."),
    ErrorCode.UNAUTHENTICATED: N_("No valid API token was sent."),
    ErrorCode.INVALID_STATE: N_("The object is not in a state that allows this."),
}


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one input field. `field` is the snake_case input name, or None.

    `template` is an English sentence with {placeholders} filled from `params`; the API
    translates the template, then fills it in, so a message reads the same in any language.
    """

    field: str | None
    code: ErrorCode
    template: str
    params: Mapping[str, object] = dataclass_field(default_factory=dict)

    @property
    def message(self) -> str:
        """The message in English."""
        return self.template.format(**self.params) if self.params else self.template


class DomainError(Exception):
    """Raised by services for expected failures; carries one or more problems."""

    def __init__(self, *problems: FieldProblem) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = list(problems)

    @classmethod
    def single(
        cls, code: ErrorCode, message: str, field: str | None = None, **params: object
    ) -> DomainError:
        """An error with one problem; `message` may hold {placeholders} filled from params."""
        return cls(FieldProblem(field, code, message, params))


def not_found(what: str = "Object", field: str | None = "id") -> DomainError:
    # The same words whether the object is missing or hidden: no existence leak.
    """NOT_FOUND in the same words whether the object is missing or hidden."""
    return DomainError.single(ErrorCode.NOT_FOUND, N_("{what} not found."), field, what=what)


def not_allowed(message: str, field: str | None = None) -> DomainError:
    """NOT_ALLOWED with the reason the person may read."""
    return DomainError.single(ErrorCode.NOT_ALLOWED, message, field)


def stale_version(current: int) -> DomainError:
    """STALE_VERSION on `version`: someone saved first; the message names the current version."""
    return DomainError.single(
        ErrorCode.STALE_VERSION,
        N_("Someone else changed this record (now at version {current}); reload and re-apply."),
        "version",
        current=current,
    )
