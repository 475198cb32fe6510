"""DataLoaders of the access area."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from server.domain.access.models import AccessGrant
from server.domain.accounts.viewer import Viewer


async def _grants(request_ids: Sequence[int]) -> list[AccessGrant | None]:
    found = {
        g.request_id: g
        for g in await AccessGrant.filter(request_id__in=list(request_ids)).order_by("id")
    }
    return [found.get(i) for i in request_ids]


def grants_by_request(viewer: Viewer) -> DataLoader[int, AccessGrant | None]:
    """The grant that answered a request, keyed by requests the viewer may already read;
    the granted customer is checked on its own when asked for."""
    return DataLoader(load_fn=_grants)
