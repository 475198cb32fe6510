"""The record every process keeps of its moves: one row per step taken, never changed."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from server.domain.accounts.models import User
from server.domain.shared.timefields import UtcDatetimeField


class StepEvent(Model):
    """One move of a record through its process (a complaint from analysis to proposal):
    who, when, from which step to which, their note and how long the record had sat in the
    step it left. Append-only: written in the move's own transaction, never updated or
    deleted, so the history of a complaint is what happened."""

    id = fields.BigIntField(primary_key=True)
    # Which process ("complaint") and which of its records.
    process = fields.CharField(max_length=32)
    record_id = fields.IntField()
    # The transition taken ("validate", "send_back"), and the steps it joined; from_step is
    # null for the record's creation.
    action = fields.CharField(max_length=32)
    from_step = fields.CharField(max_length=32, null=True)
    to_step = fields.CharField(max_length=32)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="step_events", null=True, on_delete=fields.RESTRICT
    )
    at = UtcDatetimeField()
    note = fields.TextField(default="")
    # Seconds the record spent in from_step (null for the creation), and when from_step
    # was due: the move was on time when `at` is not after it (null: no limit).
    spent_seconds = fields.BigIntField(null=True)
    due_at = UtcDatetimeField(null=True)

    actor_id: int | None

    class Meta:
        table = "step_event"
        indexes = (("process", "record_id", "id"),)

    async def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: an event that was written is history and stays as it is."""
        if self._saved_in_db:
            raise RuntimeError("step events are append-only")
        await super().save(*args, **kwargs)

    async def delete(self, *args: Any, **kwargs: Any) -> None:
        """Refused: step events are append-only."""
        raise RuntimeError("step events are append-only")
