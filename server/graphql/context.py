"""The per-request context: who is asking, the request id, and this request's DataLoaders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from server.domain.accounts.viewer import Viewer
from server.settings import Settings

K = TypeVar("K")
V = TypeVar("V")

# A DataLoader factory: each area declares its own in graphql/<area>/loaders.py.
LoaderFactory = Callable[[Viewer], DataLoader[K, V]]


@dataclass
class Context:
    viewer: Viewer
    settings: Settings
    # The raw bearer token, kept so `logout` can revoke exactly this one.
    token: str | None = None
    # The client's address (the proxy's X-Forwarded-For when the proxy is trusted, see
    # CRM_FORWARDED_ALLOW_IPS): login failures are counted per address.
    client_address: str = "unknown"
    # This request's DataLoaders, made on first use: a query that never asks for a
    # contact never builds the contact loader.
    _loaders: dict[Callable[..., Any], DataLoader[Any, Any]] = field(
        default_factory=dict, repr=False
    )

    def loader(self, factory: LoaderFactory[K, V]) -> DataLoader[K, V]:
        """The request's DataLoader made by `factory` (one per request, shared by all the
        resolvers that ask, so their keys are batched together)."""
        found = self._loaders.get(factory)
        if found is None:
            found = self._loaders[factory] = factory(self.viewer)
        return found

    @property
    def request_id(self) -> str:
        return self.viewer.request_id
