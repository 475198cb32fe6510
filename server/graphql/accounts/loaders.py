"""DataLoaders of the accounts area: users and departments by id, one query per batch."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from server.domain.accounts.models import Department, User
from server.domain.accounts.viewer import Viewer
from server.graphql.batch import Row, by_id

# What the User type shows, and nothing else (never the password hash).
USER_COLUMNS = (
    "id",
    "username",
    "display_name",
    "role",
    "is_active",
    "manager_id",
    "department_id",
)


def users(viewer: Viewer) -> DataLoader[int, Row | None]:
    """Colleagues by id, as rows of USER_COLUMNS. People are not private: everyone signed
    in may see names."""

    async def load(ids: Sequence[int]) -> list[Row | None]:
        rows = await User.filter(id__in=list(ids)).values(*USER_COLUMNS)
        found = {row["id"]: row for row in rows}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


def departments(viewer: Viewer) -> DataLoader[int, Department | None]:
    """Departments by id."""
    return DataLoader(load_fn=by_id(Department))
