"""Counts a domain rule caps (contacts per customer, files per complaint): the cap is also
the bound a query asking for the list is costed by (server/graphql/cost.py)."""

from __future__ import annotations

from typing import Any

from tortoise.queryset import QuerySet

from server.domain.shared.errors import DomainError, ErrorCode


async def refuse_at(rows: QuerySet[Any], most: int, message: str, field: str) -> None:
    """OUT_OF_RANGE on `field` (the message given `most`) when `rows` already holds `most`:
    the next one would pass the cap."""
    if await rows.count() >= most:
        raise DomainError.single(ErrorCode.OUT_OF_RANGE, message, field, most=most)
