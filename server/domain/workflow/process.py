"""Step-by-step processes, the mechanics in one place: complaints now, collections next.

A process is a model with a `step` and a `version` (plus when the step was entered and when
it is due) and a transition table. Each transition names its action, the steps it may be
taken from, the step it leads to, who may take it (a check on the viewer and the record)
and what must be filled in. Taking one is one conditional UPDATE, by the record's id, its
current step and the version the person read: two people acting at once cannot both move
it, and the one who loses is told the record changed. In the same transaction the move
writes its StepEvent (who, when, from, to, note, time spent in the step left) and its audit
entry. The step's time limit, in working days on the company's calendar, gives the new
step's due time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from tortoise.models import Model
from tortoise.transactions import in_transaction

from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.company.models import CompanySettings
from server.domain.company.services import company_settings
from server.domain.shared import clock
from server.domain.shared.errors import N_, DomainError, ErrorCode, FieldProblem
from server.domain.workflow.calendar import deadline
from server.domain.workflow.models import StepEvent

S = TypeVar("S", bound=StrEnum)


# May this viewer take the transition on this record?
Check = Callable[[Viewer, Any], Awaitable[bool]]


@dataclass(frozen=True)
class Transition(Generic[S]):
    action: str
    # The steps it may be taken from (empty for the record's creation).
    sources: frozenset[S]
    target: S
    may: Check
    # Values that must be given (not null, not blank) to take it.
    requires: tuple[str, ...] = ()
    # Taken by the system when a rule says so (a collection case closes once nothing overdue
    # is owed), never by a person: not offered, and refused if asked for.
    by_system: bool = False


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class Process(Generic[S]):
    name: str  # "complaint": the step events' process and the audit actions' prefix
    object_type: str  # "Complaint", as the audit log names it
    model: type[Model]
    transitions: tuple[Transition[S], ...]
    # The time limit of a step in working days (None: no limit, e.g. a closed step).
    limit_days: Callable[[CompanySettings, S], int | None]

    def open_actions(self, step: S) -> list[str]:
        """The actions that may be taken from a step (whoever may take them)."""
        return [t.action for t in self.transitions if step in t.sources]

    async def allowed_actions(self, viewer: Viewer, record: Any) -> list[str]:
        """The actions this viewer may take on the record now (what a client offers)."""
        allowed: list[str] = []
        for t in self.transitions:
            if record.step not in t.sources or t.action in allowed or t.by_system:
                continue
            try:
                if await t.may(viewer, record):
                    allowed.append(t.action)
            except DomainError:  # a check that refuses with its own reason (four eyes)
                continue
        return allowed

    def transition(self, action: str, step: S | None) -> Transition[S]:
        """The transition `action` from `step`; refused with INVALID_STATE when there is
        none (a move that skips a step, or one from a closed step)."""
        for t in self.transitions:
            if t.action == action and (step in t.sources if step is not None else not t.sources):
                return t
        raise DomainError.single(
            ErrorCode.INVALID_STATE,
            # Said without the step's name, which is a code: the client shows the step
            # in the person's words beside the message.
            N_("This cannot be done at the step it is in now; reload to see where it stands."),
        )

    async def check(
        self,
        viewer: Viewer,
        record: Any,
        action: str,
        values: Mapping[str, Any],
        *,
        by_system: bool = False,
    ) -> Transition[S]:
        """The transition, once the viewer may take it and every required value is there."""
        t = self.transition(action, record.step if record is not None else None)
        if t.by_system != by_system or not await t.may(viewer, record):
            raise DomainError.single(ErrorCode.NOT_ALLOWED, N_("This step is not yours to take."))
        missing = [name for name in t.requires if not _filled(values.get(name))]
        if missing:
            raise DomainError(
                *(
                    FieldProblem(name, ErrorCode.REQUIRED, N_("Required for this step."), {})
                    for name in missing
                )
            )
        return t

    async def started(self, viewer: Viewer, record: Any, note: str = "") -> None:
        """Write the creation's step event for a record the caller has just created (in its
        own transaction), with the first step's due time set on the record."""
        t = self.transition(_create_action(self), None)
        settings = await company_settings()
        now = record.step_entered_at
        due = deadline(settings, now, self.limit_days(settings, t.target))
        if due != record.step_due_at:
            await self.model.filter(id=record.id).update(step_due_at=due)
            record.step_due_at = due
        await StepEvent.create(
            process=self.name,
            record_id=record.id,
            action=t.action,
            from_step=None,
            to_step=t.target.value,
            actor_id=viewer.id,
            at=now,
            note=note,
        )

    async def move(
        self,
        viewer: Viewer,
        record: Any,
        action: str,
        *,
        version: int,
        values: Mapping[str, Any] | None = None,
        note: str = "",
    ) -> Any:
        """Take `action` on the record as read at `version`: the step, the values and the
        due time change in one conditional UPDATE, with the step event and the audit entry
        in the same transaction. Refused with STALE_VERSION when someone moved or changed
        it since `version` (nothing is written)."""
        return await self._move(viewer, record, action, version, values, note, by_system=False)

    async def move_by_system(
        self, record: Any, action: str, *, values: Mapping[str, Any] | None = None
    ) -> Any:
        """Take a system transition (`by_system`) on the record as it was just read, in the
        caller's transaction: the same UPDATE, step event and audit entry as a person's move,
        with no actor. Whether the rule calls for it is the caller's to decide."""
        return await self._move(
            Viewer(user=None), record, action, record.version, values, "", by_system=True
        )

    async def _move(
        self,
        viewer: Viewer,
        record: Any,
        action: str,
        version: int,
        values: Mapping[str, Any] | None,
        note: str,
        *,
        by_system: bool,
    ) -> Any:
        values = dict(values or {})
        # Stale first: whoever read an older version is told so, whatever the step is now.
        if record.version != version:
            raise _stale()
        t = await self.check(viewer, record, action, {**values, "note": note}, by_system=by_system)
        settings = await company_settings()
        now = clock.now()
        due = deadline(settings, now, self.limit_days(settings, t.target))
        before = {name: getattr(record, name) for name in values}
        async with in_transaction():
            moved = await self.model.filter(id=record.id, step=record.step, version=version).update(
                step=t.target,
                version=version + 1,
                step_entered_at=now,
                step_due_at=due,
                **values,
            )
            if not moved:
                raise _stale()
            await StepEvent.create(
                process=self.name,
                record_id=record.id,
                action=action,
                from_step=_value(record.step),
                to_step=t.target.value,
                actor_id=viewer.id,
                at=now,
                note=note,
                spent_seconds=max(0, int((now - record.step_entered_at).total_seconds())),
                due_at=record.step_due_at,
            )
            changes = audit.diff(
                {"step": _value(record.step), **before}, {"step": t.target.value, **values}
            )
            if note:
                changes["note"] = {"from": None, "to": note}
            await audit.record(
                viewer, f"{self.name}.{action}", self.object_type, record.id, changes
            )
        return await self.model.get(id=record.id)


def _create_action(process: Process[Any]) -> str:
    [create] = [t.action for t in process.transitions if not t.sources]
    return create


def _value(step: Any) -> str:
    return str(step.value) if isinstance(step, StrEnum) else str(step)


def _stale() -> DomainError:
    return DomainError.single(
        ErrorCode.STALE_VERSION,
        N_("Someone else moved or changed this since you read it; reload and try again."),
        field="version",
    )


async def history(process: str, record_ids: Iterable[int]) -> list[StepEvent]:
    """The step events of these records, oldest first."""
    return await StepEvent.filter(process=process, record_id__in=list(record_ids)).order_by("id")
