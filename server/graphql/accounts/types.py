"""GraphQL types for people: users, their roles and departments."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from server.domain.accounts import models, permissions
from server.graphql.accounts import loaders as accounts_loaders
from server.graphql.accounts.loaders import USER_COLUMNS
from server.graphql.connections import load_in_order, nodes_in_order
from server.graphql.enums import mirror
from server.graphql.mutations import Payload
from server.graphql.projection import columns_for, object_of

if TYPE_CHECKING:  # type checkers see the domain enums, whose members these mirror
    from server.domain.accounts.models import Role
    from server.domain.accounts.permissions import Permission
else:
    Role = mirror(
        models.Role,
        "What a user does in the company, which decides what they may do.",
        models.ROLE_MEANING,
    )
    Permission = mirror(
        permissions.Permission,
        "Something a role allows. Clients show or hide actions by these, not by the role: "
        "what each role may do is the server's to decide.",
        permissions.PERMISSION_MEANING,
    )


@strawberry.type(description="A department people belong to.")
class Department(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Department name.")

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        if not info.context.viewer.is_authenticated:
            return [None for _ in node_ids]
        return await nodes_in_order(node_ids, models.Department.all(), cls.from_model)

    @classmethod
    def from_model(cls, m: models.Department) -> Department:
        return cls(id=m.id, name=m.name)


@strawberry.type(
    description="A person who logs in: salesperson, manager, service, finance or admin."
)
class User(relay.Node):
    id: relay.NodeID[int]
    username: str = strawberry.field(description="Login name.")
    display_name: str = strawberry.field(description="Name shown to colleagues.")
    role: Role = strawberry.field(description="What this user does.")

    @strawberry.field(description="What this user's role allows, in a fixed order.")
    def permissions(self) -> list[Permission]:
        held = permissions.ROLE_PERMISSIONS[models.Role(self.role.value)]
        return [Permission(p.value) for p in permissions.Permission if p in held]

    is_active: bool = strawberry.field(description="False once the user has left; cannot log in.")
    _manager_id: strawberry.Private[int | None]
    _department_id: strawberry.Private[int | None]

    @strawberry.field(description="The user's manager in the reporting line, if any.")
    async def manager(self, info: Info) -> User | None:
        if self._manager_id is None:
            return None
        m = await info.context.loader(accounts_loaders.users).load(self._manager_id)
        return User.from_row(m) if m else None

    @strawberry.field(description="The department the user belongs to, if any.")
    async def department(self, info: Info) -> Department | None:
        if self._department_id is None:
            return None
        d = await info.context.loader(accounts_loaders.departments).load(self._department_id)
        return Department.from_model(d) if d else None

    @classmethod
    def from_model(cls, m: models.User) -> User:
        return cls.from_row({column: getattr(m, column) for column in USER_COLUMNS})

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> User:
        """From a user row, whole or with only the columns a query needs (`user_columns`)."""
        user, values = object_of(cls, row)
        role = row.get("role")
        values["role"] = (
            None if role is None else Role(role.value if isinstance(role, Enum) else role)
        )
        values["_manager_id"] = row["manager_id"]
        values["_department_id"] = row["department_id"]
        return user

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        # Colleagues' names and roles are not secret; anonymous callers see nothing.
        if not info.context.viewer.is_authenticated:
            return [None for _ in node_ids]
        users = await load_in_order(info.context.loader(accounts_loaders.users), node_ids)
        return [cls.from_row(u) if u else None for u in users]


_USER_DERIVED: dict[str, tuple[str, ...]] = {
    "permissions": ("role",),
    "manager": (),
    "department": (),
}


def user_columns(wanted: set[str]) -> tuple[str, ...]:
    """The user columns these GraphQL fields need; the type's columns (USER_COLUMNS, never
    the password hash) for a field not known."""
    return (
        columns_for(
            models.User,
            wanted,
            always=("id", "manager_id", "department_id"),
            derived=_USER_DERIVED,
        )
        or USER_COLUMNS
    )


@strawberry.type(description="The result of logging in.")
class LoginPayload(Payload):
    token: str | None = strawberry.field(
        default=None,
        description="Opaque API token; send it as `Authorization: Bearer <token>`. "
        "Shown only once; the server keeps only a hash.",
    )
    expires_at: datetime | None = strawberry.field(
        default=None, description="When the token stops working."
    )
    user: User | None = strawberry.field(default=None, description="Who logged in.")


@strawberry.type(description="The result of logging out.")
class LogoutPayload(Payload):
    revoked: bool = strawberry.field(
        default=False, description="True when the token sent was revoked."
    )


@strawberry.input(description="Who leaves, and who takes over what they hold.")
class UserDeactivateInput:
    id: relay.GlobalID = strawberry.field(description="The user to deactivate.")
    hand_over_to: relay.GlobalID | None = strawberry.field(
        default=None,
        description="Who takes over their customers, open follow-ups, open complaints and "
        "direct reports, in the same step. Required when they hold any of these.",
    )


@strawberry.type(description="The result of userDeactivate.")
class UserDeactivatePayload(Payload):
    user: User | None = strawberry.field(default=None, description="The deactivated user.")
    handed_to: User | None = strawberry.field(
        default=None, description="Who took over their work; null when there was none."
    )
    customers_moved: int = strawberry.field(default=0, description="Customers handed over.")
    follow_ups_moved: int = strawberry.field(
        default=0, description="Open follow-ups assigned to them, handed over."
    )
    complaints_moved: int = strawberry.field(
        default=0, description="Open complaints assigned to them, handed over."
    )
    sessions_ended: int = strawberry.field(
        default=0, description="Their sign-ins revoked (refused at once by every server process)."
    )


@strawberry.input(description="Credentials for `login`.")
class LoginInput:
    username: str = strawberry.field(description="Login name (case-insensitive).")
    password: str = strawberry.field(description="Password.")
