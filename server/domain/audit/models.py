"""The append-only audit log: nothing in the code updates or deletes these rows."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from server.domain.shared.timefields import UtcDatetimeField


class AuditEntry(Model):
    id = fields.BigIntField(primary_key=True)
    at = UtcDatetimeField(auto_now_add=True, db_index=True)
    # Kept as plain ids and a name snapshot so the log outlives users and objects.
    actor_id = fields.IntField(null=True, db_index=True)
    actor_name = fields.CharField(max_length=100, default="")
    action = fields.CharField(max_length=50, db_index=True)
    object_type = fields.CharField(max_length=50)
    object_id = fields.IntField(null=True)
    changes: dict[str, Any] = fields.JSONField(default=dict)
    request_id = fields.CharField(max_length=64, default="")

    class Meta:
        table = "audit_entry"
        indexes = (("object_type", "object_id"),)
