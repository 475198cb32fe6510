"""Who reads which part of the audit log."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from server.domain.access.visibility import team_of
from server.domain.accounts.permissions import Permission
from server.domain.accounts.viewer import Viewer
from server.domain.audit.models import AuditEntry


async def readable_entries(viewer: Viewer) -> QuerySet[AuditEntry]:
    """Admins read the whole log; managers what they and their team did; others nothing."""
    if viewer.sees_all:
        return AuditEntry.all()
    if viewer.may(Permission.READ_AUDIT_LOG):
        return AuditEntry.filter(actor_id__in=list(await team_of(viewer)))
    return AuditEntry.filter(id__in=[])
