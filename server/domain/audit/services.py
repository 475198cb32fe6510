"""Writing and reading the append-only audit log."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any, Protocol

from server.domain.audit.models import AuditEntry


def plain(value: Any) -> Any:
    """JSON-safe form of a field value, so the log reads the same on every database."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(plain(v) for v in value)
    return value


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """{field: {"from": old, "to": new}} for the fields whose value changed."""
    changes: dict[str, dict[str, Any]] = {}
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        if plain(old) != plain(new):
            changes[name] = {"from": plain(old), "to": plain(new)}
    return changes


class Actor(Protocol):
    """Who acted, as the audit log needs it: any object with these (the request's Viewer).

    A protocol rather than the Viewer itself keeps audit below accounts: the accounts area
    records its own changes here, so audit must not import it back.
    """

    @property
    def user(self) -> _ActingUser | None:
        """The acting user, or None for the system (the command line)."""
        ...

    @property
    def request_id(self) -> str:
        """The request the action belongs to, to group its entries."""
        ...


class _ActingUser(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def username(self) -> str: ...


def _entry(
    viewer: Actor,
    action: str,
    object_type: str,
    object_id: int | None,
    changes: Mapping[str, Any] | None,
) -> AuditEntry:
    user = viewer.user
    return AuditEntry(
        actor_id=user.id if user else None,
        actor_name=user.username if user else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=dict(changes or {}),
        request_id=viewer.request_id,
    )


async def record(
    viewer: Actor,
    action: str,
    object_type: str,
    object_id: int | None,
    changes: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry: who did `action` to which object, with the field changes. Call it
    inside the change's transaction so both land or neither does."""
    entry = _entry(viewer, action, object_type, object_id, changes)
    await entry.save()
    return entry


async def record_many(
    viewer: Actor,
    action: str,
    object_type: str,
    object_ids: Sequence[int],
    changes: Mapping[str, Any] | None = None,
) -> None:
    """One entry per object, written in batched INSERTs (bulk transfers, page views)."""
    await AuditEntry.bulk_create(
        [_entry(viewer, action, object_type, oid, changes) for oid in object_ids], batch_size=500
    )
