"""GraphQL types for people: users, their roles and departments."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from server.domain.accounts import models, permissions
from server.graphql.accounts import loaders as accounts_loaders
from server.graphql.common import load_in_order, nodes_in_order
from server.graphql.enums import mirror
from server.graphql.mutations import Payload

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
        return User.from_model(m) if m else None

    @strawberry.field(description="The department the user belongs to, if any.")
    async def department(self, info: Info) -> Department | None:
        if self._department_id is None:
            return None
        d = await info.context.loader(accounts_loaders.departments).load(self._department_id)
        return Department.from_model(d) if d else None

    @classmethod
    def from_model(cls, m: models.User) -> User:
        return cls(
            id=m.id,
            username=m.username,
            display_name=m.display_name,
            role=Role(m.role.value if isinstance(m.role, Enum) else m.role),
            is_active=m.is_active,
            _manager_id=m.manager_id,
            _department_id=m.department_id,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        # Colleagues' names and roles are not secret; anonymous callers see nothing.
        if not info.context.viewer.is_authenticated:
            return [None for _ in node_ids]
        users = await load_in_order(info.context.loader(accounts_loaders.users), node_ids)
        return [cls.from_model(u) if u else None for u in users]


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


@strawberry.input(description="Credentials for `login`.")
class LoginInput:
    username: str = strawberry.field(description="Login name (case-insensitive).")
    password: str = strawberry.field(description="Password.")
