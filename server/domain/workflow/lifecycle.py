"""Records with a status rather than a run of steps (a follow-up, an access request): which
action may be taken from which status, and where it leads, in one table per record type.

A Process (process.py) is the full mechanics for records that move through steps with
time limits and step events; a Lifecycle is its small sibling for a status column: the
check ("this follow-up is already done") and the conditional UPDATE that changes the
status only if it is still what the caller read, so two people deciding at once cannot
both win.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from tortoise.models import Model

from server.domain.shared.errors import DomainError, ErrorCode, FieldProblem

S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True)
class Lifecycle(Generic[S]):
    # action → (the statuses it may be taken from, the status it leads to)
    actions: Mapping[str, tuple[frozenset[S], S]]
    # Said when an action is refused: a template with {status}, the current status in
    # `words` (marked for translation where the table is made).
    refusal: str
    words: Mapping[S, str]

    def target(self, action: str) -> S:
        """Where the action leads."""
        return self.actions[action][1]

    def problem(self, action: str, status: Any, field: str | None = None) -> FieldProblem | None:
        """Why `action` cannot be taken from `status` (INVALID_STATE), or None when it can."""
        sources, _ = self.actions[action]
        if status in sources:
            return None
        return FieldProblem(
            field, ErrorCode.INVALID_STATE, self.refusal, {"status": self.words.get(status, "")}
        )

    def require(self, action: str, status: Any, field: str | None = None) -> None:
        """Refuse with INVALID_STATE unless `action` may be taken from `status`."""
        found = self.problem(action, status, field)
        if found is not None:
            raise DomainError(found)

    async def advance(self, model: type[Model], record_id: int, action: str, **values: Any) -> None:
        """Take the action: one UPDATE, applied only while the record's status is still
        one the action may be taken from; refused with INVALID_STATE when someone changed
        it first (nothing is written)."""
        sources, target = self.actions[action]
        changed = await model.filter(id=record_id, status__in=list(sources)).update(
            status=target, **values
        )
        if not changed:
            current = await model.filter(id=record_id).values_list("status", flat=True)
            status = current[0] if current else None
            raise DomainError(
                self.problem(action, status)
                # Back at a status the action may start from: it changed meanwhile all the same.
                or FieldProblem(None, ErrorCode.STALE_VERSION, self.refusal, {"status": ""})
            )
