"""What a refused mutation or argument says: the user error type and its codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry
from graphql import (
    GraphQLError,
)

from server.domain.shared.errors import ERROR_MEANING, DomainError, ErrorCode
from server.graphql.enums import mirror
from server.language.i18n import translate

if TYPE_CHECKING:  # type checkers see the domain's codes, which this mirrors
    from server.domain.shared.errors import ErrorCode as UserErrorCode
else:
    UserErrorCode = mirror(
        ErrorCode, "Why a mutation did not do what was asked.", ERROR_MEANING, "UserErrorCode"
    )


@strawberry.type(description="Something wrong with the input of a mutation. Nothing was written.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "creditLimit"]; '
        "null when the error concerns the whole request."
    )
    code: UserErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation, safe to show.")


def argument_error(exc: DomainError) -> GraphQLError:
    """A bad query argument (cursor, page size): a clear error naming the argument."""
    problem = exc.problems[0]
    return GraphQLError(
        translate(problem.template, problem.params),
        extensions={"code": problem.code.value.upper(), "argument": problem.field},
    )
