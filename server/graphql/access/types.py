"""GraphQL types for access requests and grants."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from server.domain.access import models
from server.domain.customers.access_requests import readable_requests
from server.graphql.access import loaders as access_loaders
from server.graphql.accounts import loaders as accounts_loaders
from server.graphql.accounts.types import User
from server.graphql.connections import nodes_in_order
from server.graphql.customers.types import visible_customer
from server.graphql.enums import mirror
from server.graphql.projection import columns_or_all, model_row, object_of
from server.graphql.selection import field_selection

CustomerType = Annotated["Customer", strawberry.lazy("server.graphql.customers.types")]

if TYPE_CHECKING:  # type checkers see the domain enum, whose members this mirrors
    from server.domain.access.models import AccessRequestStatus
    from server.graphql.customers.types import Customer
else:
    AccessRequestStatus = mirror(
        models.AccessRequestStatus,
        "Where an access request stands.",
        models.ACCESS_REQUEST_STATUS_MEANING,
    )


@strawberry.type(
    description="A rep's request to see a customer they do not own (要经部门经理批准方可查阅)."
)
class AccessRequest(relay.Node):
    id: relay.NodeID[int]
    customer_description: str = strawberry.field(
        description="The customer as the requester described it."
    )
    reason: str = strawberry.field(description="Why the requester needs access.")
    status: AccessRequestStatus = strawberry.field(description="Where the request stands.")
    decision_note: str = strawberry.field(description="The manager's note on the decision.")
    decided_at: datetime | None = strawberry.field(description="When it was decided.")
    created_at: datetime = strawberry.field(description="When it was filed.")
    _requester_id: strawberry.Private[int]
    _decided_by_id: strawberry.Private[int | None]

    @strawberry.field(description="Who asked.")
    async def requester(self, info: Info) -> User:
        return User.from_row(
            await info.context.loader(accounts_loaders.users).load(self._requester_id)
        )

    @strawberry.field(description="The manager who decided, once decided.")
    async def decided_by(self, info: Info) -> User | None:
        if self._decided_by_id is None:
            return None
        u = await info.context.loader(accounts_loaders.users).load(self._decided_by_id)
        return User.from_row(u) if u else None

    @strawberry.field(
        description="When granted: the customer opened, while you may still see it (null once "
        "the access has ended, exactly as for any customer you cannot see)."
    )
    async def granted_customer(self, info: Info) -> CustomerType | None:
        grant = await info.context.loader(access_loaders.grants_by_request).load(self.id)
        return await visible_customer(info, grant.customer_id) if grant else None

    @strawberry.field(description="When granted: when the access ends.")
    async def access_expires_at(self, info: Info) -> datetime | None:
        grant = await info.context.loader(access_loaders.grants_by_request).load(self.id)
        return grant.expires_at if grant else None

    @classmethod
    def from_model(cls, m: models.AccessRequest) -> AccessRequest:
        return cls.from_row(model_row(m))

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> AccessRequest:
        """From a request row, whole or with only the columns a query needs
        (`request_columns`): a field whose column was not read is never asked for."""
        request, values = object_of(cls, row)
        status = row.get("status")
        if status is not None:
            values["status"] = AccessRequestStatus(models.AccessRequestStatus(status).value)
        values["_requester_id"] = row["requester_id"]
        values["_decided_by_id"] = row["decided_by_id"]
        return request

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        if not info.context.viewer.is_authenticated:
            return [None for _ in node_ids]
        query = await readable_requests(info.context.viewer)
        columns = request_columns(field_selection(info, "AccessRequest").names)
        return await nodes_in_order(node_ids, query, cls.from_row, columns)


_REQUEST_DERIVED: dict[str, tuple[str, ...]] = {
    "requester": (),
    "decidedBy": (),
    "grantedCustomer": (),
    "accessExpiresAt": (),
}


def request_columns(wanted: set[str]) -> tuple[str, ...]:
    """The access-request columns these GraphQL fields need (all, for a field not known)."""
    return columns_or_all(
        models.AccessRequest,
        wanted,
        always=("id", "requester_id", "decided_by_id"),
        derived=_REQUEST_DERIVED,
    )


@strawberry.type(description="Time-limited read access to one customer, given by a manager.")
class AccessGrant:
    customer_id: relay.GlobalID = strawberry.field(description="The customer opened.")
    expires_at: datetime = strawberry.field(description="When the access ends.")
