"""Who is asking: the authenticated user (or nobody) and what their position lets them reach."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from server.domain.accounts.models import Role, User
from server.domain.accounts.permissions import Permission, role_may
from server.domain.shared.errors import DomainError, ErrorCode

T = TypeVar("T")


@dataclass
class Viewer:
    user: User | None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # Answers read once per request (the team, the access grants). Kept as futures: the
    # resolvers of one query run side by side, and the first to ask reads for them all.
    _once: dict[str, asyncio.Future[Any]] = field(default_factory=dict, repr=False)

    @property
    def is_authenticated(self) -> bool:
        """Whether anyone is signed in."""
        return self.user is not None

    @property
    def id(self) -> int | None:
        """The signed-in user's id; None when nobody is."""
        return self.user.id if self.user else None

    @property
    def role(self) -> Role | None:
        """The signed-in user's role; None when nobody is."""
        return self.user.role if self.user else None

    def may(self, permission: Permission) -> bool:
        """Whether the viewer's role holds the permission (see permissions.py)."""
        return role_may(self.role, permission)

    def require(self, permission: Permission, message: str, field: str | None = None) -> User:
        """The signed-in user, if their role holds the permission; else NOT_ALLOWED with
        `message` (or UNAUTHENTICATED when nobody is signed in)."""
        user = self.require_user()
        if not self.may(permission):
            raise DomainError.single(ErrorCode.NOT_ALLOWED, message, field)
        return user

    @property
    def sees_all(self) -> bool:
        """Administrators: no customer, queue or log entry is out of reach."""
        return self.may(Permission.SEE_ALL)

    def require_user(self) -> User:
        """The signed-in user; UNAUTHENTICATED when nobody is."""
        if self.user is None:
            raise DomainError.single(ErrorCode.UNAUTHENTICATED, "Log in first.")
        return self.user

    async def once(self, key: str, read: Callable[[], Awaitable[T]]) -> T:
        """`read()` the first time `key` is asked for in this request; its answer after."""
        if key not in self._once:
            self._once[key] = asyncio.ensure_future(read())
        return cast(T, await self._once[key])

    def knows(self, key: str) -> bool:
        """Whether `key` was read (or is being read) in this request."""
        return key in self._once

    def remember(self, key: str, value: Any) -> None:
        """Keep an answer read along with another, so that `once(key, …)` does not read it."""
        if key not in self._once:
            done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            done.set_result(value)
            self._once[key] = done

    @property
    def needs_team(self) -> bool:
        """Whether the viewer's reach depends on the reporting line (a manager's does)."""
        return self.may(Permission.SEE_TEAM) and not self.sees_all

    async def team_ids(self) -> frozenset[int]:
        """The viewer and, for a manager, everyone below them in the reporting line."""
        user = self.require_user()
        # Whoever sees all needs no team (callers check `sees_all` first).
        if not self.needs_team:
            return frozenset({user.id})
        return await self.once("team", lambda: subtree_ids(user.id))


async def subtree_ids(root_id: int) -> frozenset[int]:
    """The root user and all their direct and indirect reports.

    The users table is small (people, not customers), so one query and a walk in memory
    beats a recursive CTE that would differ between SQLite and PostgreSQL.
    """
    pairs = await User.all().values_list("id", "manager_id")
    return subtree_of(root_id, pairs)


def subtree_of(root_id: int, pairs: Iterable[tuple[int, int | None]]) -> frozenset[int]:
    """The root and everyone below them, from (user id, manager id) pairs."""
    children: dict[int, list[int]] = {}
    for uid, manager_id in pairs:
        if manager_id is not None:
            children.setdefault(manager_id, []).append(uid)
    seen = {root_id}
    stack = [root_id]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in seen:  # a cycle in bad data must not loop forever
                seen.add(child)
                stack.append(child)
    return frozenset(seen)
