"""Who is asking: the authenticated user (or nobody) and what their position lets them reach."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from server.domain.accounts.models import Role, User
from server.domain.errors import DomainError, ErrorCode


@dataclass
class Viewer:
    user: User | None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # Computed once per request: the user ids whose customers this viewer may edit.
    _team_ids: frozenset[int] | None = field(default=None, repr=False)
    # Customers reachable through access grants, read once per request (see visibility.py).
    granted_ids: frozenset[int] | None = field(default=None, repr=False)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def id(self) -> int | None:
        return self.user.id if self.user else None

    @property
    def role(self) -> Role | None:
        return self.user.role if self.user else None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    def require_user(self) -> User:
        if self.user is None:
            raise DomainError.single(ErrorCode.UNAUTHENTICATED, "Log in first.")
        return self.user

    async def team_ids(self) -> frozenset[int]:
        """The viewer and, for a manager, everyone below them in the reporting line."""
        if self._team_ids is None:
            user = self.require_user()
            if user.role == Role.MANAGER:
                self._team_ids = await subtree_ids(user.id)
            else:
                self._team_ids = frozenset({user.id})
        return self._team_ids


async def subtree_ids(root_id: int) -> frozenset[int]:
    """The root user and all their direct and indirect reports.

    The users table is small (people, not customers), so one query and a walk in memory
    beats a recursive CTE that would differ between SQLite and PostgreSQL.
    """
    pairs = await User.all().values_list("id", "manager_id")
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
