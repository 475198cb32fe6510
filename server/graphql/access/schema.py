"""Root fields for access requests."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from server.domain.access import services
from server.domain.access.models import AccessRequestStatus as DomainStatus
from server.domain.errors import DomainError
from server.domain.paging import SortKey, paginate
from server.graphql.access.types import AccessGrant, AccessRequest, AccessRequestStatus
from server.graphql.auth import argument_error, require_viewer
from server.graphql.common import (
    After,
    Before,
    Connection,
    First,
    Last,
    UserError,
    attempt,
    connection,
    decode_id,
    page_args,
)


@strawberry.input(description="Ask a manager for access to a customer you do not own.")
class AccessRequestCreateInput:
    customer_description: str = strawberry.field(
        description="Which customer: name, place, anything that identifies it (≤500 characters)."
    )
    reason: str = strawberry.field(description="Why you need to see it.")


@strawberry.input(description="Grant a pending request read access to one customer.")
class AccessRequestGrantInput:
    request_id: relay.GlobalID = strawberry.field(description="The pending request.")
    customer_id: relay.GlobalID = strawberry.field(
        description="The customer the request means; it must be in your team."
    )
    days: int = strawberry.field(default=7, description="How long the access lasts, 1–90 days.")
    note: str = strawberry.field(default="", description="Note to the requester.")


@strawberry.input(description="Refuse a pending request.")
class AccessRequestRefuseInput:
    request_id: relay.GlobalID = strawberry.field(description="The pending request.")
    note: str = strawberry.field(description="Why; shown to the requester.")


@strawberry.type(description="Result of accessRequestCreate.")
class AccessRequestCreatePayload:
    access_request: AccessRequest | None = strawberry.field(description="The filed request.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was filed.")


@strawberry.type(description="Result of accessRequestGrant.")
class AccessRequestGrantPayload:
    access_request: AccessRequest | None = strawberry.field(description="The decided request.")
    grant: AccessGrant | None = strawberry.field(description="The access given.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was granted.")


@strawberry.type(description="Result of accessRequestRefuse.")
class AccessRequestRefusePayload:
    access_request: AccessRequest | None = strawberry.field(description="The decided request.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


@strawberry.type
class AccessQuery:
    @strawberry.field(
        description="Access requests, newest first: managers and admins see all (the "
        "customer may sit in any team), reps their own."
    )
    async def access_requests(
        self,
        info: Info,
        status: Annotated[
            AccessRequestStatus | None,
            strawberry.argument(description="Only requests in this state."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AccessRequest]:
        viewer = require_viewer(info)
        query = await services.readable_requests(viewer)
        if status is not None:
            query = query.filter(status=DomainStatus(str(status.value)))
        try:
            page = await paginate(
                query, SortKey("id", descending=True), page_args(first, after, last, before)
            )
        except DomainError as exc:
            raise argument_error(exc) from None
        return connection(page, AccessRequest.from_model)


@strawberry.type
class AccessMutation:
    @strawberry.mutation(description="File a request to see a customer you do not own.")
    async def access_request_create(
        self,
        info: Info,
        input: Annotated[
            AccessRequestCreateInput,
            strawberry.argument(description="What to do; see the input type."),
        ],
    ) -> AccessRequestCreatePayload:
        m, errors = await attempt(
            services.create_request(info.context.viewer, input.customer_description, input.reason)
        )
        return AccessRequestCreatePayload(
            access_request=AccessRequest.from_model(m) if m else None, user_errors=errors
        )

    @strawberry.mutation(
        description="Grant a request: the requester may read the customer until the grant "
        "expires. Only a manager over the customer's owner (or an admin) can."
    )
    async def access_request_grant(
        self,
        info: Info,
        input: Annotated[
            AccessRequestGrantInput,
            strawberry.argument(description="What to do; see the input type."),
        ],
    ) -> AccessRequestGrantPayload:
        async def run():  # type: ignore[no-untyped-def]
            return await services.grant(
                info.context.viewer,
                decode_id(input.request_id, "AccessRequest", "request_id"),
                decode_id(input.customer_id, "Customer", "customer_id"),
                input.days,
                input.note,
            )

        result, errors = await attempt(run())
        if result is None:
            return AccessRequestGrantPayload(access_request=None, grant=None, user_errors=errors)
        request, grant = result
        return AccessRequestGrantPayload(
            access_request=AccessRequest.from_model(request),
            grant=AccessGrant(
                customer_id=relay.GlobalID("Customer", str(grant.customer_id)),
                expires_at=grant.expires_at,
            ),
            user_errors=[],
        )

    @strawberry.mutation(description="Refuse a request, with a note to the requester.")
    async def access_request_refuse(
        self,
        info: Info,
        input: Annotated[
            AccessRequestRefuseInput,
            strawberry.argument(description="What to do; see the input type."),
        ],
    ) -> AccessRequestRefusePayload:
        async def run():  # type: ignore[no-untyped-def]
            return await services.refuse(
                info.context.viewer,
                decode_id(input.request_id, "AccessRequest", "request_id"),
                input.note,
            )

        m, errors = await attempt(run())
        return AccessRequestRefusePayload(
            access_request=AccessRequest.from_model(m) if m else None, user_errors=errors
        )
