"""Root fields for access requests."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from server.domain.access.models import AccessGrant as DomainGrant
from server.domain.access.models import AccessRequest as DomainRequest
from server.domain.access.models import AccessRequestStatus as DomainStatus
from server.domain.customers import access_requests as services
from server.domain.shared.errors import DomainError
from server.domain.shared.paging import SortKey, paginate
from server.graphql.access.types import (
    AccessGrant,
    AccessRequest,
    AccessRequestStatus,
    request_columns,
)
from server.graphql.connections import After, Before, Connection, First, Last, connection, page_args
from server.graphql.errors import argument_error
from server.graphql.ids import decode_id
from server.graphql.mutations import MutationInput, Payload, mutate
from server.graphql.selection import nodes_selection


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
class AccessRequestCreatePayload(Payload):
    access_request: AccessRequest | None = strawberry.field(
        default=None, description="The filed request."
    )


@strawberry.type(description="Result of accessRequestGrant.")
class AccessRequestGrantPayload(Payload):
    access_request: AccessRequest | None = strawberry.field(
        default=None, description="The decided request."
    )
    grant: AccessGrant | None = strawberry.field(default=None, description="The access given.")


@strawberry.type(description="Result of accessRequestRefuse.")
class AccessRequestRefusePayload(Payload):
    access_request: AccessRequest | None = strawberry.field(
        default=None, description="The decided request."
    )


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
        viewer = info.context.viewer
        query = await services.readable_requests(viewer)
        if status is not None:
            query = query.filter(status=DomainStatus(str(status.value)))
        columns = request_columns(nodes_selection(info).names)
        try:
            page = await paginate(
                query,
                SortKey("id", descending=True),
                page_args(first, after, last, before),
                columns=columns,
            )
        except DomainError as exc:
            raise argument_error(exc) from None
        return connection(page, AccessRequest.from_row)


@strawberry.type
class AccessMutation:
    @strawberry.mutation(description="File a request to see a customer you do not own.")
    async def access_request_create(
        self,
        info: Info,
        input: MutationInput[AccessRequestCreateInput],
    ) -> AccessRequestCreatePayload:
        return await mutate(
            AccessRequestCreatePayload,
            lambda: services.create_request(
                info.context.viewer, input.customer_description, input.reason
            ),
            lambda m: AccessRequestCreatePayload(access_request=AccessRequest.from_model(m)),
        )

    @strawberry.mutation(
        description="Grant a request: the requester may read the customer until the grant "
        "expires. Only a manager over the customer's owner (or an admin) can."
    )
    async def access_request_grant(
        self,
        info: Info,
        input: MutationInput[AccessRequestGrantInput],
    ) -> AccessRequestGrantPayload:
        def granted(result: tuple[DomainRequest, DomainGrant]) -> AccessRequestGrantPayload:
            request, grant = result
            return AccessRequestGrantPayload(
                access_request=AccessRequest.from_model(request),
                grant=AccessGrant(
                    customer_id=relay.GlobalID("Customer", str(grant.customer_id)),
                    expires_at=grant.expires_at,
                ),
            )

        return await mutate(
            AccessRequestGrantPayload,
            lambda: services.grant(
                info.context.viewer,
                decode_id(input.request_id, "AccessRequest", "request_id"),
                decode_id(input.customer_id, "Customer", "customer_id"),
                input.days,
                input.note,
            ),
            granted,
        )

    @strawberry.mutation(description="Refuse a request, with a note to the requester.")
    async def access_request_refuse(
        self,
        info: Info,
        input: MutationInput[AccessRequestRefuseInput],
    ) -> AccessRequestRefusePayload:
        return await mutate(
            AccessRequestRefusePayload,
            lambda: services.refuse(
                info.context.viewer,
                decode_id(input.request_id, "AccessRequest", "request_id"),
                input.note,
            ),
            lambda m: AccessRequestRefusePayload(access_request=AccessRequest.from_model(m)),
        )


# This area's root parts, joined into Query and Mutation (server/areas.py).
QUERY = AccessQuery
MUTATION = AccessMutation
