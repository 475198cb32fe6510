"""DataLoaders of the accounts area: users and departments by id, one query per batch."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from server.domain.accounts.models import Department, User
from server.domain.accounts.viewer import Viewer
from server.graphql.batch import by_id


def users(viewer: Viewer) -> DataLoader[int, User | None]:
    """Colleagues by id. People are not private: everyone signed in may see names."""
    return DataLoader(load_fn=by_id(User))


def departments(viewer: Viewer) -> DataLoader[int, Department | None]:
    """Departments by id."""
    return DataLoader(load_fn=by_id(Department))
