"""A datetime column that always holds UTC.

Tortoise writes an aware datetime with whatever offset it carries. SQLite keeps datetimes
as text, so "2026-12-01 00:30+08:00" and "2026-11-30 16:30+00:00" (the same instant) then
sort and compare as different strings: a contact sent with the company's offset landed on
the wrong side of every day boundary. Converting to UTC on the way in, for writes and for
filter values alike, keeps every comparison an instant comparison on both databases.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise import fields

from server.domain.shared import clock


class UtcDatetimeField(fields.DatetimeField[datetime]):
    def to_db_value(self, value: Any, instance: Any) -> Any:
        """The value as stored: in UTC, and stamped by the server's clock for auto_now columns."""
        auto = self.auto_now or (
            self.auto_now_add and getattr(instance, self.model_field_name, None) is None
        )
        if hasattr(instance, "_saved_in_db") and auto:
            # The server's clock, so a test standing at a moment sees rows stamped then.
            value = clock.now()
            setattr(instance, self.model_field_name, value)
            return value
        if isinstance(value, datetime) and value.tzinfo is not None and value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        return super().to_db_value(value, instance)
