"""DataLoaders of the follow-up area. Every key is read off a row the viewer reached through
a visible customer (an interaction, a follow-up), so the rows are visible through it too."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from server.domain.accounts.viewer import Viewer
from server.domain.followups.models import (
    ContactPlan,
    Interaction,
    InteractionContact,
    InteractionParticipant,
)


async def _participants(interaction_ids: Sequence[int]) -> list[list[int]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    rows = await InteractionParticipant.filter(interaction_id__in=list(interaction_ids)).order_by(
        "id"
    )
    for row in rows:
        grouped[row.interaction_id].append(row.user_id)
    return [grouped.get(i, []) for i in interaction_ids]


async def _present(interaction_ids: Sequence[int]) -> list[list[InteractionContact]]:
    grouped: dict[int, list[InteractionContact]] = defaultdict(list)
    rows = await InteractionContact.filter(interaction_id__in=list(interaction_ids)).order_by("id")
    for row in rows:
        grouped[row.interaction_id].append(row)
    return [grouped.get(i, []) for i in interaction_ids]


async def _plans(customer_ids: Sequence[int]) -> list[ContactPlan | None]:
    found = {p.customer_id: p for p in await ContactPlan.filter(customer_id__in=list(customer_ids))}
    return [found.get(i) for i in customer_ids]


async def _interactions(ids: Sequence[int]) -> list[Interaction | None]:
    found = {i.id: i for i in await Interaction.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


def participants(viewer: Viewer) -> DataLoader[int, list[int]]:
    """The colleagues' ids who took part in an interaction."""
    return DataLoader(load_fn=_participants)


def contacts_present(viewer: Viewer) -> DataLoader[int, list[InteractionContact]]:
    """The customer's people present at an interaction."""
    return DataLoader(load_fn=_present)


def contact_plans(viewer: Viewer) -> DataLoader[int, ContactPlan | None]:
    """A customer's contact plan, by customer id."""
    return DataLoader(load_fn=_plans)


def interactions_by_id(viewer: Viewer) -> DataLoader[int, Interaction | None]:
    """Interactions by id (the one that answered a follow-up)."""
    return DataLoader(load_fn=_interactions)
