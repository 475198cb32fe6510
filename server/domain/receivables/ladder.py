"""The collection ladder of seed 000 §六 as a transition table (docs/domain.md §6).

    NEW ─▶ 1 NEGOTIATE ─▶ 2 THROUGH_ALLY ─▶ 3 KEY_PERSON ─▶ 4 STOP_SUPPLY ─▶ 5 AGENCY ─▶ 6 LEGAL
     │        any rung may be taken from NEW or a lower rung; a lower one, with a reason
     └─────────────────────────────── close (nothing overdue is owed) ──▶ CLOSED

A case must be classified before its first rung. Non-malicious debts (cash flow, neglect,
dispute) keep the relationship and use rungs 1–4 alone or combined; malicious ones may go
straight to 4–6. Who works a case: the customer's owner line and finance.
"""

from __future__ import annotations

from typing import Any

from server.domain.access.visibility import can_edit_owned_by
from server.domain.accounts.permissions import Permission
from server.domain.accounts.viewer import Viewer
from server.domain.company.models import CompanySettings
from server.domain.customers.models import Customer
from server.domain.receivables.models import (
    GENTLE,
    LADDER,
    MALICIOUS,
    Classification,
    CollectionCase,
    CollectionStep,
)
from server.domain.shared.errors import N_, DomainError, ErrorCode
from server.domain.workflow.process import Process, Transition

Step = CollectionStep

# What each rung needs filled in.
REQUIRES: dict[CollectionStep, tuple[str, ...]] = {
    Step.NEGOTIATE: (),
    Step.THROUGH_ALLY: ("ally_id",),
    Step.KEY_PERSON: ("key_person_id",),
    Step.STOP_SUPPLY: (),
    Step.AGENCY: ("agency_name", "handed_over_on", "agency_fee_minor"),  # the fee as a decimal
    Step.LEGAL: ("legal_action",),
}


async def works_case(viewer: Viewer, case: Any) -> bool:
    """The customer's owner line (owner, their managers, an admin) and finance."""
    if viewer.user is None:
        return False
    if viewer.may(Permission.WORK_RECEIVABLES):
        return True
    customer = await Customer.get(id=case.customer_id).only("id", "owner_id")
    return await can_edit_owned_by(viewer, customer.owner_id)


def _climb(target: CollectionStep) -> Any:
    async def may(viewer: Viewer, case: CollectionCase) -> bool:
        if not await works_case(viewer, case):
            return False
        if case.classification is None:
            raise DomainError.single(
                ErrorCode.INVALID_STATE,
                N_("Classify the debt (malicious or not) before taking a step."),
            )
        if Classification(case.classification) not in MALICIOUS and target not in GENTLE:
            raise DomainError.single(
                ErrorCode.NOT_ALLOWED,
                N_(
                    "A non-malicious debt stops at stopping supply (step 4): the relationship "
                    "is kept. Classify it as malicious first."
                ),
            )
        return True

    return may


async def _opens(viewer: Viewer, case: Any) -> bool:
    return viewer.user is not None


async def _by_the_system(viewer: Viewer, case: CollectionCase) -> bool:
    # Closing is the system's alone (by_system), when nothing overdue is owed any more:
    # collections.close_if_settled decides that, in the transaction that paid the debt.
    return viewer.user is None


def _limit(settings: CompanySettings, step: CollectionStep) -> int | None:
    # The next action's date is the person's choice, not a time limit (see collections.py).
    return None


def _transitions() -> tuple[Transition[CollectionStep], ...]:
    found: list[Transition[CollectionStep]] = [
        Transition("open", frozenset(), Step.NEW, _opens),
    ]
    for index, rung in enumerate(LADDER):
        below = frozenset({Step.NEW, *LADDER[:index]})
        above = frozenset(LADDER[index + 1 :])
        found.append(Transition(rung.value, below, rung, _climb(rung), REQUIRES[rung]))
        if above:
            # Going back down a rung needs its reason.
            found.append(
                Transition(rung.value, above, rung, _climb(rung), (*REQUIRES[rung], "note"))
            )
    found.append(
        Transition(
            "close", frozenset({Step.NEW, *LADDER}), Step.CLOSED, _by_the_system, by_system=True
        )
    )
    return tuple(found)


COLLECTIONS: Process[CollectionStep] = Process(
    name="collection",
    object_type="CollectionCase",
    model=CollectionCase,
    transitions=_transitions(),
    limit_days=_limit,
)
