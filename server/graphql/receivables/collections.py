"""GraphQL types of collection cases (催收) and the collections board."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from server.domain.company.services import today
from server.domain.receivables import models
from server.domain.receivables.collections import readable_case
from server.domain.receivables.ladder import COLLECTIONS
from server.domain.receivables.models import LADDER
from server.domain.receivables.scope import visible_cases
from server.graphql.accounts.types import User
from server.graphql.customers.types import visible_customer
from server.graphql.enums import by_value
from server.graphql.money import Money, money
from server.graphql.receivables import loaders
from server.graphql.receivables.enums import Classification, CollectionStep, LegalAction
from server.graphql.receivables.types import built_nodes, user_of, with_names
from server.graphql.rules import company_rules

if TYPE_CHECKING:
    from server.graphql.customers.types import Customer

CustomerType = Annotated["Customer", strawberry.lazy("server.graphql.customers.types")]
d = strawberry.field
_STEPS, _CLASSES, _LEGAL = by_value(CollectionStep), by_value(Classification), by_value(LegalAction)


@strawberry.type(description="One thing done on a collection case.")
class CollectionEntry:
    step: CollectionStep = d(description="The step it was done at.")
    action: str = d(description="A step's name, classify, log or close.")
    outcome: str = d(description="What came of it (or why, going down a step).")
    next_action_on: date | None = d(description="The next action's date set then.")
    at: datetime = d(description="When.")
    _actor_id: strawberry.Private[int | None]

    @strawberry.field(description="Who; null for the system (opening, closing).")
    async def actor(self, info: Info) -> User | None:
        return await user_of(info, self._actor_id)


@strawberry.type(
    description="Collecting an overdue customer's debts (催收, seed 000 §六): the debt's "
    "classification, the ladder step reached and the next action. Visible to whoever reads "
    "the customer's money."
)
class CollectionCase(relay.Node):
    id: relay.NodeID[int]
    version: int = d(description="Changes on every action; send it back with yours.")
    step: CollectionStep = d(description="Where it stands.")
    step_entered_at: datetime = d(description="When it reached that step.")
    classification: Classification | None = d(description="Why it is overdue; null until set.")
    classification_reason: str = d(description="The reason given for the classification.")
    next_action_on: date | None = d(description="When the next action is due.")
    agency_name: str = d(description="The collection agency (step 5).")
    handed_over_on: date | None = d(description="When it went to the agency.")
    agency_fee: Money | None = d(description="The agency's fee.")
    legal_action: LegalAction | None = d(description="The legal action (step 6).")
    case_number: str = d(description="The court's case number, for a lawsuit.")
    opened_at: datetime = d(description="When it was opened.")
    closed_at: datetime | None = d(description="When it closed (nothing overdue left).")
    customer_name: str = d(description="The customer's name.")
    customer_id: relay.GlobalID = d(
        description="The customer's ID, for `customerAccount` (finance reads the account, "
        "not the record)."
    )
    _customer_id: strawberry.Private[int]
    _ally_id: strawberry.Private[int | None]
    _key_person_id: strawberry.Private[int | None]

    @classmethod
    def from_model(
        cls, m: models.CollectionCase, currency: str, customer_name: str
    ) -> CollectionCase:
        return cls(
            id=m.id,
            version=m.version,
            step=_STEPS[m.step],
            step_entered_at=m.step_entered_at,
            classification=_CLASSES.get(m.classification) if m.classification else None,
            classification_reason=m.classification_reason,
            next_action_on=m.next_action_on,
            agency_name=m.agency_name,
            handed_over_on=m.handed_over_on,
            agency_fee=money(m.agency_fee_minor, currency),
            legal_action=_LEGAL.get(m.legal_action) if m.legal_action else None,
            case_number=m.case_number,
            opened_at=m.opened_at,
            closed_at=m.closed_at,
            customer_name=customer_name,
            customer_id=relay.GlobalID("Customer", str(m.customer_id)),
            _customer_id=m.customer_id,
            _ally_id=m.ally_id,
            _key_person_id=m.key_person_id,
        )

    @classmethod
    async def build(cls, info: Info, found: list[models.CollectionCase]) -> list[CollectionCase]:
        return await with_names(info, found, cls.from_model)

    @strawberry.field(description="The customer; null when you may not see its record.")
    async def customer(self, info: Info) -> CustomerType | None:
        return await visible_customer(info, self._customer_id)

    async def _overdue(self, info: Info) -> tuple[int, date | None, date]:
        day = today(await company_rules(info))
        total, first = await info.context.loader(loaders.overdue_facts, day).load(self._customer_id)
        return total, first, day

    @strawberry.field(description="What is owed past its due date now.")
    async def overdue(self, info: Info) -> Money:
        total, _, _ = await self._overdue(info)
        return money(total, info.context.currency)

    @strawberry.field(description="Days past due of the oldest overdue debt; 0 when none.")
    async def oldest_days_overdue(self, info: Info) -> int:
        _, first, day = await self._overdue(info)
        return 0 if first is None else (day - first).days

    @strawberry.field(description="The ally worked through (step 2), by name.")
    async def ally_name(self, info: Info) -> str | None:
        return await _contact_name(info, self._ally_id)

    @strawberry.field(description="The key person influenced (step 3), by name.")
    async def key_person_name(self, info: Info) -> str | None:
        return await _contact_name(info, self._key_person_id)

    @strawberry.field(description="Everything done on it, oldest first.")
    async def entries(self) -> list[CollectionEntry]:
        found = await models.CollectionEntry.filter(case_id=self.id).order_by("id")
        return [
            CollectionEntry(
                step=_STEPS[e.step],
                action=e.action,
                outcome=e.outcome,
                next_action_on=e.next_action_on,
                at=e.at,
                _actor_id=e.actor_id,
            )
            for e in found
        ]

    @strawberry.field(
        description="The ladder steps you may take now (a lower one needs a reason); empty "
        "until the debt is classified, and when closed."
    )
    async def viewer_steps(self, info: Info) -> list[CollectionStep]:
        case = await readable_case(info.context.viewer, self.id)
        if case is None:
            return []
        allowed = set(await COLLECTIONS.allowed_actions(info.context.viewer, case))
        return [_STEPS[s.value] for s in LADDER if s.value in allowed]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        query = await visible_cases(info.context.viewer)
        return await built_nodes(info, node_ids, query, cls.build)


async def _contact_name(info: Info, contact_id: int | None) -> str | None:
    if contact_id is None:
        return None
    return await info.context.loader(loaders.contact_names).load(contact_id)


async def open_case_of(info: Info, customer_id: int) -> CollectionCase | None:
    """The customer's open case (the caller checked the viewer reads their money)."""
    found = await models.CollectionCase.get_or_none(open_slot=customer_id)
    if found is None:
        return None
    [built] = await CollectionCase.build(info, [found])
    return built
