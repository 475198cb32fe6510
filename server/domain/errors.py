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
        return cls(FieldProblem(field, code, message))


def not_found(what: str = "Object", field: str | None = "id") -> DomainError:
    # The same words whether the object is missing or hidden: no existence leak.
    return DomainError.single(ErrorCode.NOT_FOUND, f"{what} not found.", field)


def not_allowed(message: str, field: str | None = None) -> DomainError:
    return DomainError.single(ErrorCode.NOT_ALLOWED, message, field)


def stale_version(current: int) -> DomainError:
    return DomainError.single(
        ErrorCode.STALE_VERSION,
        f"Someone else changed this record (now at version {current}); reload and re-apply.",
        "version",
    )
