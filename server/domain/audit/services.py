"""Writing and reading the append-only audit log."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from tortoise.queryset import QuerySet

from server.domain.accounts.viewer import Viewer
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


def _entry(
    viewer: Viewer,
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
    viewer: Viewer,
    action: str,
    object_type: str,
    object_id: int | None,
    changes: Mapping[str, Any] | None = None,
) -> AuditEntry:
    entry = _entry(viewer, action, object_type, object_id, changes)
    await entry.save()
    return entry


async def record_many(
    viewer: Viewer,
    action: str,
    object_type: str,
    object_ids: Sequence[int],
    changes: Mapping[str, Any] | None = None,
) -> None:
    """One entry per object, written in batched INSERTs (bulk transfers, page views)."""
    await AuditEntry.bulk_create(
        [_entry(viewer, action, object_type, oid, changes) for oid in object_ids], batch_size=500
    )


async def readable_entries(viewer: Viewer) -> QuerySet[AuditEntry]:
    """Admins read the whole log; managers what they and their team did; others nothing."""
    if viewer.is_admin:
        return AuditEntry.all()
    if viewer.is_manager:
        return AuditEntry.filter(actor_id__in=list(await viewer.team_ids()))
    return AuditEntry.filter(id__in=[])
