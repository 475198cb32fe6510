"""DataLoaders of the follow-up area. Every key is read off a row the viewer reached through
a visible customer (an interaction, a follow-up), so the rows are visible through it too."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from server.domain.accounts.viewer import Viewer
from server.domain.followups.models import (
    ContactPlan,
    Interaction,
    InteractionContact,
    InteractionParticipant,
)
from server.graphql.batch import by_id, grouped


def participants(viewer: Viewer) -> DataLoader[int, list[int]]:
    """The colleagues' ids who took part in an interaction."""
    rows = grouped(InteractionParticipant, "interaction_id", "id")

    async def load(ids: Sequence[int]) -> list[list[int]]:
        return [[row.user_id for row in group] for group in await rows(ids)]

    return DataLoader(load_fn=load)


def contacts_present(viewer: Viewer) -> DataLoader[int, list[InteractionContact]]:
    """The customer's people present at an interaction."""
    return DataLoader(load_fn=grouped(InteractionContact, "interaction_id", "id"))


def contact_plans(viewer: Viewer) -> DataLoader[int, ContactPlan | None]:
    """A customer's contact plan, by customer id."""
    return DataLoader(load_fn=by_id(ContactPlan, "customer_id"))


def interactions_by_id(viewer: Viewer) -> DataLoader[int, Interaction | None]:
    """Interactions by id (the one that answered a follow-up)."""
    return DataLoader(load_fn=by_id(Interaction))
