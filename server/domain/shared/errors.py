"""Expected failures of domain operations, with codes the API turns into userErrors."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
    ErrorCode.REQUIRED: "A required value is missing.",
    ErrorCode.INVALID: "The value is malformed.",
    ErrorCode.TOO_LONG: "The text is longer than allowed.",
    ErrorCode.OUT_OF_RANGE: "The number or date is outside the allowed range.",
    ErrorCode.NOT_FOUND: "No such object, or it is not visible to you.",
    ErrorCode.NOT_ALLOWED: "You may see the object but not do this to it.",
    ErrorCode.STALE_VERSION: "The record changed since you read it; reload, then apply your "
    "change again.",
    ErrorCode.DUPLICATE: "That value is already taken.",
    ErrorCode.INVALID_CREDENTIALS: "Wrong username or password.",
    ErrorCode.LOCKED: "Too many failed logins; the account is locked for a while.",
    ErrorCode.UNAUTHENTICATED: "No valid API token was sent.",
    ErrorCode.INVALID_STATE: "The object is not in a state that allows this.",
}


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one input field. `field` is the snake_case input name, or None."""

    field: str | None
    code: ErrorCode
    message: str


class DomainError(Exception):
    """Raised by services for expected failures; carries one or more problems."""

    def __init__(self, *problems: FieldProblem) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = list(problems)

    @classmethod
    def single(cls, code: ErrorCode, message: str, field: str | None = None) -> DomainError:
        """An error with one problem."""
        return cls(FieldProblem(field, code, message))


def not_found(what: str = "Object", field: str | None = "id") -> DomainError:
    # The same words whether the object is missing or hidden: no existence leak.
    """NOT_FOUND in the same words whether the object is missing or hidden."""
    return DomainError.single(ErrorCode.NOT_FOUND, f"{what} not found.", field)


def not_allowed(message: str, field: str | None = None) -> DomainError:
    """NOT_ALLOWED with the reason the person may read."""
    return DomainError.single(ErrorCode.NOT_ALLOWED, message, field)


def stale_version(current: int) -> DomainError:
    """STALE_VERSION on `version`: someone saved first; the message names the current version."""
    return DomainError.single(
        ErrorCode.STALE_VERSION,
        f"Someone else changed this record (now at version {current}); reload and re-apply.",
        "version",
    )
