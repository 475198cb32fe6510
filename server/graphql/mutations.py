"""One way to write a mutation: its input, its domain call and its result.

    @strawberry.type(description="Result of customerUpdate.")
    class CustomerUpdatePayload(Payload):
        customer: Customer | None = strawberry.field(default=None, description="…")

    async def customer_update(self, info, input) -> CustomerUpdatePayload:
        return await mutate(
            CustomerUpdatePayload,
            lambda: services.update_customer(viewer, decode_id(input.id, "Customer", "id"), …),
            lambda m: CustomerUpdatePayload(customer=Customer.from_model(m)),
        )

The domain call runs inside `mutate`, so a bad ID decoded in it, a refused value or a stale
version all come back as userErrors pointing at the input field, with nothing written;
anything unexpected propagates to MaskUnexpectedErrors and is logged.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Annotated, TypeVar

import strawberry
from strawberry.utils.str_converters import to_camel_case

from server.domain.access.reach import REACH
from server.domain.shared.counts import COUNTS
from server.domain.shared.errors import DomainError, ErrorCode
from server.graphql.errors import UserError, UserErrorCode
from server.language.i18n import translate

R = TypeVar("R")
T = TypeVar("T")

# A mutation's one argument: `input: MutationInput[CustomerUpdateInput]`.
MutationInput = Annotated[T, strawberry.argument(description="What to do; see the input type.")]


@strawberry.type(description="What every mutation answers: its result fields and userErrors.")
class Payload:
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why nothing was written; empty when the mutation did what was asked.",
    )


P = TypeVar("P", bound=Payload)

# Where a domain field sits in a nested input: {"expected_products": ("expectedOrder",
# "products")}. Fields not listed sit directly on the input, camel-cased.
InputPaths = Mapping[str, Sequence[str]]


def user_errors(error: DomainError, paths: InputPaths | None = None) -> list[UserError]:
    """The domain's problems as userErrors, each naming the input field the caller wrote."""
    paths = paths or {}

    def path(field: str | None) -> list[str] | None:
        if not field:
            return None
        return ["input", *paths.get(field, (to_camel_case(field),))]

    return [
        UserError(
            field=path(p.field),
            code=UserErrorCode(ErrorCode(p.code).value),
            message=translate(p.template, p.params),
        )
        for p in error.problems
    ]


async def mutate(
    payload: type[P],
    call: Callable[[], Awaitable[R]],
    result: Callable[[R], P] | Callable[[R], Awaitable[P]],
    *,
    paths: InputPaths | None = None,
) -> P:
    """Run the domain call; its result builds the payload (an async builder may load more,
    e.g. the customer as the viewer now sees it), a DomainError the userErrors."""
    try:
        done = await call()
    except DomainError as exc:
        return payload(user_errors=user_errors(exc, paths))
    # Whatever was written may change what a list counts or whom a viewer reaches (a
    # grant): both are read afresh.
    COUNTS.forget()
    REACH.forget()
    built = result(done)
    return await built if inspect.isawaitable(built) else built
