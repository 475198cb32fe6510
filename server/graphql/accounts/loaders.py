"""DataLoaders of the accounts area: users and departments by id, one query per batch."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from server.domain.accounts.models import Department, User
from server.domain.accounts.viewer import Viewer


async def _users(ids: Sequence[int]) -> list[User | None]:
    found = {u.id: u for u in await User.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


async def _departments(ids: Sequence[int]) -> list[Department | None]:
    found = {d.id: d for d in await Department.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


def users(viewer: Viewer) -> DataLoader[int, User | None]:
    """Colleagues by id. People are not private: everyone signed in may see names."""
    return DataLoader(load_fn=_users)


def departments(viewer: Viewer) -> DataLoader[int, Department | None]:
    """Departments by id."""
    return DataLoader(load_fn=_departments)
