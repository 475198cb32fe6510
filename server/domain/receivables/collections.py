"""Collection cases (催收, docs/domain.md §6): an overdue customer gets one; the rep classifies
the debt and climbs the ladder (ladder.py); every action is recorded with who, when, the
outcome and the next date, and the next action lands in the owner's follow-up queue. The
case closes by itself when nothing overdue is owed (paid or written off).
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.company.services import company_settings, today
from server.domain.customers.models import AllyStrength, Contact, Customer
from server.domain.followups.models import (
    FollowUp,
    FollowUpOrigin,
    FollowUpStatus,
    InteractionKind,
)
from server.domain.receivables.holds import place_hold
from server.domain.receivables.ladder import COLLECTIONS, works_case
from server.domain.receivables.models import (
    LADDER,
    Classification,
    CollectionCase,
    CollectionEntry,
    CollectionStep,
    LegalAction,
    Receivable,
)
from server.domain.receivables.scope import visible_cases
from server.domain.shared import clock, money
from server.domain.shared import validation as v
from server.domain.shared.errors import N_, DomainError, ErrorCode, FieldProblem, not_found
from server.domain.workflow.models import StepEvent

STEP_FIELDS: dict[str, v.Validator] = {
    "note": v.text(2000),
    "next_action_on": v.passthrough,
    "ally_id": v.passthrough,
    "key_person_id": v.passthrough,
    "agency_name": v.text(200),
    "handed_over_on": v.passthrough,
    "agency_fee": money.amount_or_none,
    "legal_action": lambda value: None if value is None else v.enum_of(LegalAction)(value),
    "case_number": v.text(100),
}


async def readable_case(viewer: Viewer, case_id: int) -> CollectionCase | None:
    """The case if the viewer may read its customer's money; None when missing or hidden."""
    return await (await visible_cases(viewer)).filter(id=case_id).first()


async def open_overdue_cases(day: date) -> int:
    """Open a case for every customer owing something past its due date on `day` who has
    none open (one statement to find them). Returns how many were opened."""
    overdue = set(
        cast(
            list[int],
            await Receivable.filter(open_minor__gt=0, due_on__lt=day)
            .distinct()
            .values_list("customer_id", flat=True),
        )
    )
    have = set(
        cast(
            list[int],
            await CollectionCase.filter(open_slot__isnull=False).values_list(
                "customer_id", flat=True
            ),
        )
    )
    fresh = sorted(overdue - have)
    now = clock.now()
    opened = 0
    for customer_id in fresh:
        try:
            async with in_transaction():
                case = await CollectionCase.create(
                    customer_id=customer_id, step_entered_at=now, open_slot=customer_id
                )
                await StepEvent.create(
                    process=COLLECTIONS.name,
                    record_id=case.id,
                    action="open",
                    from_step=None,
                    to_step=CollectionStep.NEW.value,
                    actor_id=None,
                    at=now,
                )
            opened += 1
        except IntegrityError:  # opened at the same moment elsewhere
            continue
    return opened


async def _workable(viewer: Viewer, case_id: int) -> CollectionCase:
    case = await readable_case(viewer, case_id)
    if case is None:
        raise not_found("Collection case", "id")
    if case.step == CollectionStep.CLOSED:
        raise DomainError.single(ErrorCode.INVALID_STATE, N_("The case is closed."), "id")
    if not await works_case(viewer, case):
        raise DomainError.single(ErrorCode.NOT_ALLOWED, N_("This case is not yours to work."))
    return case


async def classify(
    viewer: Viewer, case_id: int, version: int, classification: Any, reason: Any
) -> CollectionCase:
    """Classify the overdue debt as malicious or not, with the reason (audited). It may be
    classified again as the picture changes; the ladder's allowed rungs follow it."""
    case = await _workable(viewer, case_id)
    cleaned = v.clean(
        {"classification": v.enum_of(Classification), "reason": v.text(500, required=True)},
        {"classification": classification, "reason": reason},
    )
    async with in_transaction():
        changed = await CollectionCase.filter(id=case.id, version=version).update(
            classification=cleaned["classification"],
            classification_reason=cleaned["reason"],
            version=F("version") + 1,
            updated_at=clock.now(),
        )
        if not changed:
            raise DomainError.single(
                ErrorCode.STALE_VERSION,
                N_("Someone else moved or changed this since you read it; reload and try again."),
                "version",
            )
        await CollectionEntry.create(
            case_id=case.id,
            step=case.step,
            action="classify",
            outcome=cleaned["reason"],
            actor_id=viewer.id,
        )
        await audit.record(
            viewer,
            "collection.classify",
            "CollectionCase",
            case.id,
            audit.diff(
                {"classification": case.classification, "reason": case.classification_reason},
                {"classification": cleaned["classification"], "reason": cleaned["reason"]},
            ),
        )
    return await CollectionCase.get(id=case.id)


async def _check_people(case: CollectionCase, values: dict[str, Any]) -> None:
    problems: list[FieldProblem] = []
    for field, wanted in (("ally_id", "ally"), ("key_person_id", "key person")):
        contact_id = values.get(field)
        if contact_id is None:
            continue
        contact = await Contact.get_or_none(id=contact_id, customer_id=case.customer_id)
        if contact is None:
            problems.append(
                FieldProblem(field, ErrorCode.NOT_FOUND, N_("No such contact of this customer."))
            )
        elif wanted == "ally" and contact.ally_strength == AllyStrength.NONE:
            problems.append(
                FieldProblem(
                    field,
                    ErrorCode.INVALID,
                    N_("This contact is not one of the customer's allies."),
                )
            )
        elif wanted == "key person" and not contact.is_decision_maker:
            problems.append(
                FieldProblem(field, ErrorCode.INVALID, N_("This contact is not a decision maker."))
            )
    if values.get("legal_action") == LegalAction.LAWSUIT and not values.get("case_number"):
        problems.append(
            FieldProblem("case_number", ErrorCode.REQUIRED, N_("A lawsuit needs its case number."))
        )
    if problems:
        raise DomainError(*problems)


def _next_date(value: Any, day: date) -> date:
    if value is None:
        raise DomainError.single(
            ErrorCode.REQUIRED, N_("When is the next action? Give its date."), "next_action_on"
        )
    if value < day:
        raise DomainError.single(
            ErrorCode.OUT_OF_RANGE, N_("Must not be in the past."), "next_action_on"
        )
    cleaned: date = value
    return cleaned


async def _queue_next(case: CollectionCase, next_on: date, viewer: Viewer) -> None:
    """The next action in the customer owner's queue: one open collection follow-up per
    customer, moved to the new date."""
    customer = await Customer.get(id=case.customer_id).only("id", "owner_id")
    slot = _slot(customer.id)
    moved = await FollowUp.filter(open_slot=slot, status=FollowUpStatus.OPEN).update(
        due_on=next_on,
        assignee_id=customer.owner_id,
        purpose=_purpose(case),
        version=F("version") + 1,
    )
    if not moved:
        await FollowUp.create(
            customer_id=customer.id,
            assignee_id=customer.owner_id,
            due_on=next_on,
            kind=InteractionKind.PHONE,
            purpose=_purpose(case),
            origin=FollowUpOrigin.COLLECTION,
            open_slot=slot,
            created_by_id=viewer.id,
        )


def _slot(customer_id: int) -> str:
    """The open collection follow-up's key: one per customer (FollowUp.open_slot)."""
    return f"{customer_id}:{FollowUpOrigin.COLLECTION.value}"


def _purpose(case: CollectionCase) -> str:
    # Stored text any language reads: the rung's number (the origin says "collection").
    step = CollectionStep(case.step)
    return f"{LADDER.index(step) + 1}/6" if step in LADDER else ""


async def take_step(
    viewer: Viewer,
    case_id: int,
    version: int,
    step: Any,
    values: dict[str, Any],
) -> CollectionCase:
    """Take a rung of the ladder (a lower one needs `note`, the reason). `values`: the
    outcome as `note`, `next_action_on`, and what the rung needs (ladder.REQUIRES)."""
    case = await _workable(viewer, case_id)
    settings = await company_settings()
    day = today(settings)
    target = v.clean({"step": v.enum_of(CollectionStep)}, {"step": step})["step"]
    if target not in LADDER:
        raise DomainError.single(ErrorCode.INVALID, N_("Not a step of the ladder."), "step")
    cleaned = v.clean(STEP_FIELDS, values)
    next_on = _next_date(cleaned.pop("next_action_on", None), day)
    note = cleaned.pop("note", "") or ""
    await _check_people(case, cleaned)
    if "agency_fee" in cleaned:
        cleaned["agency_fee_minor"] = cleaned.pop("agency_fee")
    fields = {k: val for k, val in cleaned.items() if val is not None and val != ""}
    async with in_transaction():
        moved = await COLLECTIONS.move(
            viewer,
            case,
            target.value,
            version=version,
            values={**fields, "next_action_on": next_on},
            note=note,
        )
        await CollectionEntry.create(
            case_id=case.id,
            step=target,
            action=target.value,
            outcome=note,
            next_action_on=next_on,
            actor_id=viewer.id,
        )
        if target == CollectionStep.STOP_SUPPLY:
            await place_hold(viewer, case.customer_id, _HOLD_REASON, by_ladder=True)
        await _queue_next(moved, next_on, viewer)
    return await CollectionCase.get(id=case.id)


# Stored on the hold: the ladder's step, in the seed's words.
_HOLD_REASON = "催收第4步：断货 (collection step 4: stop supply)"


async def log_action(
    viewer: Viewer, case_id: int, version: int, outcome: Any, next_action_on: Any
) -> CollectionCase:
    """Record something done at the current rung (a call, a visit) with its outcome and the
    next date, without moving the case."""
    case = await _workable(viewer, case_id)
    day = today(await company_settings())
    text = v.clean({"outcome": v.text(2000, required=True)}, {"outcome": outcome})["outcome"]
    next_on = _next_date(next_action_on, day)
    async with in_transaction():
        changed = await CollectionCase.filter(id=case.id, version=version).update(
            next_action_on=next_on, version=F("version") + 1, updated_at=clock.now()
        )
        if not changed:
            raise DomainError.single(
                ErrorCode.STALE_VERSION,
                N_("Someone else moved or changed this since you read it; reload and try again."),
                "version",
            )
        await CollectionEntry.create(
            case_id=case.id,
            step=case.step,
            action="log",
            outcome=text,
            next_action_on=next_on,
            actor_id=viewer.id,
        )
        await _queue_next(case, next_on, viewer)
    return await CollectionCase.get(id=case.id)


async def close_if_settled(customer_ids: set[int], day: date) -> None:
    """Close the open cases of these customers who no longer owe anything overdue on `day`
    (called in the transaction that paid or wrote it off), and withdraw their collection
    follow-ups."""
    cases = await CollectionCase.filter(customer_id__in=list(customer_ids), open_slot__isnull=False)
    now = clock.now()
    for case in cases:
        still = await Receivable.filter(
            customer_id=case.customer_id, open_minor__gt=0, due_on__lt=day
        ).exists()
        if still:
            continue
        await COLLECTIONS.move_by_system(
            case,
            "close",
            values={"open_slot": None, "closed_at": now, "next_action_on": None},
        )
        await CollectionEntry.create(
            case_id=case.id, step=CollectionStep.CLOSED, action="close", actor_id=None
        )
        await FollowUp.filter(
            open_slot=_slot(case.customer_id),
            status=FollowUpStatus.OPEN,
        ).update(
            status=FollowUpStatus.SKIPPED,
            open_slot=None,
            skip_reason="Nothing overdue is owed any more.",
            version=F("version") + 1,
        )
