"""The audit log as a query for managers and admins."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from server.domain.access.audit_log import readable_entries
from server.domain.audit import models
from server.domain.shared.errors import DomainError
from server.domain.shared.paging import SortKey, paginate
from server.graphql.connections import After, Before, Connection, First, Last, connection, page_args
from server.graphql.errors import argument_error
from server.graphql.projection import columns_or_all, model_row, object_of
from server.graphql.selection import nodes_selection


@strawberry.type(description="One audited action: who did what to which object, and when.")
class AuditEntry:
    at: datetime = strawberry.field(description="When it happened.")
    actor_id: strawberry.ID | None = strawberry.field(
        description="Global ID of the user who acted; null for anonymous (failed logins)."
    )
    actor_name: str = strawberry.field(description="Username of the actor at the time.")
    action: str = strawberry.field(
        description="What happened, e.g. customer.update, customer.view, user.login_failed."
    )
    object_type: str = strawberry.field(description="Type of the object, e.g. Customer.")
    object_id: strawberry.ID | None = strawberry.field(description="Global ID of the object.")
    changes: JSON = strawberry.field(
        description='Changed fields: {"field": {"from": old, "to": new}}.'
    )
    request_id: str = strawberry.field(description="The request that did it.")

    @classmethod
    def from_model(cls, m: models.AuditEntry) -> AuditEntry:
        """From a model."""
        return cls.from_row(model_row(m))

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> AuditEntry:
        """From an audit row, whole or with only the columns a query needs: a field whose
        column was not read is never asked for (the changes are read only when asked)."""
        entry, values = object_of(cls, row)
        actor_id, object_id = row.get("actor_id"), row.get("object_id")
        values["actor_id"] = (
            strawberry.ID(str(relay.GlobalID("User", str(actor_id)))) if actor_id else None
        )
        values["object_id"] = (
            strawberry.ID(str(relay.GlobalID(row["object_type"], str(object_id))))
            if object_id
            else None
        )
        return entry


# `objectId` is written with the object's type; the rest are columns of their own name.
_DERIVED = {"objectId": ("object_id", "object_type"), "actorId": ("actor_id",)}


def audit_columns(wanted: set[str]) -> tuple[str, ...]:
    """The audit columns these GraphQL fields need (all, for a field not known)."""
    return columns_or_all(models.AuditEntry, wanted, derived=_DERIVED)


@strawberry.input(description="Narrows the audit log.")
class AuditFilter:
    object_type: str | None = strawberry.field(default=None, description="e.g. Customer.")
    object_id: strawberry.ID | None = strawberry.field(
        default=None, description="Global ID of one object."
    )
    actor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Global ID of the acting user."
    )
    action: str | None = strawberry.field(default=None, description="e.g. customer.view.")


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="The audit log, newest first. Admins read all of it; managers what they and "
        "their team did; others get an empty list."
    )
    async def audit_log(
        self,
        info: Info,
        filter: Annotated[
            AuditFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AuditEntry]:
        viewer = info.context.viewer
        query = await readable_entries(viewer)
        if filter:
            if filter.object_type:
                query = query.filter(object_type=filter.object_type)
            if filter.action:
                query = query.filter(action=filter.action)
            for gid_text, column in (
                (filter.object_id, "object_id"),
                (filter.actor_id, "actor_id"),
            ):
                if gid_text is None:
                    continue
                try:
                    gid = relay.GlobalID.from_id(gid_text)
                    query = query.filter(**{column: int(gid.node_id)})
                    if column == "object_id":
                        query = query.filter(object_type=gid.type_name)
                except (ValueError, TypeError):
                    query = query.filter(id__in=[])
        try:
            page = await paginate(
                query,
                SortKey("id", descending=True),
                page_args(first, after, last, before),
                columns=audit_columns(nodes_selection(info).names),
            )
        except DomainError as exc:
            raise argument_error(exc) from None
        return connection(page, AuditEntry.from_row)


# This area's root parts, joined into Query and Mutation (server/areas.py).
QUERY = AuditQuery
MUTATION: type | None = None
