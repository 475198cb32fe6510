"""Guards for root query fields: anonymous callers get an UNAUTHENTICATED error."""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.types import Info

from server.domain.accounts.viewer import Viewer
from server.domain.shared.errors import DomainError


class Unauthenticated(GraphQLError):
    def __init__(self) -> None:
        super().__init__(
            "Authentication required: send `Authorization: Bearer <token>` from `login`.",
            extensions={"code": "UNAUTHENTICATED"},
        )


def require_viewer(info: Info) -> Viewer:
    viewer: Viewer = info.context.viewer
    if not viewer.is_authenticated:
        raise Unauthenticated()
    return viewer


def argument_error(exc: DomainError) -> GraphQLError:
    """A bad query argument (cursor, page size): a clear error naming the argument."""
    problem = exc.problems[0]
    return GraphQLError(
        problem.message,
        extensions={"code": problem.code.value.upper(), "argument": problem.field},
    )
