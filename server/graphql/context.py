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
# Extra arguments (hashable: the columns to read) make a loader of their own.
LoaderFactory = Callable[..., DataLoader[K, V]]


@dataclass
class Context:
    viewer: Viewer
    settings: Settings
    # The company currency (a company setting, remembered briefly per process: see
    # server/domain/company/currency.py); every Money the request answers is in it.
    currency: str = "CNY"
    # The raw bearer token, kept so `logout` can revoke exactly this one.
    token: str | None = None
    # The client's address (the proxy's X-Forwarded-For when the proxy is trusted, see
    # CRM_FORWARDED_ALLOW_IPS): login failures are counted per address.
    client_address: str = "unknown"
    # A WebSocket's connection_init payload (Strawberry sets it; the token is read from it).
    connection_params: dict[str, Any] | None = None
    # This request's DataLoaders, made on first use: a query that never asks for a
    # contact never builds the contact loader.
    _loaders: dict[tuple[Any, ...], DataLoader[Any, Any]] = field(default_factory=dict, repr=False)

    def loader(self, factory: LoaderFactory[K, V], *args: Any) -> DataLoader[K, V]:
        """The request's DataLoader made by `factory(viewer, *args)` (one per request and
        arguments, shared by all the resolvers that ask, so their keys are batched together)."""
        key = (factory, *args)
        found = self._loaders.get(key)
        if found is None:
            found = self._loaders[key] = factory(self.viewer, *args)
        return found

    @property
    def request_id(self) -> str:
        return self.viewer.request_id
