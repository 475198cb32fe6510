"""DataLoaders of the access area."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from server.domain.access.models import AccessGrant
from server.domain.accounts.viewer import Viewer
from server.graphql.batch import by_id


def grants_by_request(viewer: Viewer) -> DataLoader[int, AccessGrant | None]:
    """The grant that answered a request, keyed by requests the viewer may already read;
    the granted customer is checked on its own when asked for."""
    return DataLoader(load_fn=by_id(AccessGrant, "request_id"))
