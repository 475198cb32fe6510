"""When the next contact is due: the grade cadence, a contact plan's own frequency, and the
class-based service rhythm (docs/domain.md §3)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from server.domain.company.models import CompanySettings
from server.domain.customers.models import AbcClass, Grade
from server.domain.followups.models import ContactPlan, FollowUpOrigin, InteractionKind


def cadence_days(settings: CompanySettings, grade: Grade | str) -> int:
    """Days between follow-ups for a grade: A 1, B 7, C 15, D 30, E 365 by default."""
    return int(getattr(settings, f"cadence_{Grade(grade).value.lower()}_days"))


async def plan_frequency(customer_id: int) -> int | None:
    """The contact plan's own frequency in days, if the customer has a plan that sets one."""
    plan = await ContactPlan.get_or_none(customer_id=customer_id)
    return plan.frequency_days if plan else None


def effective_cadence(settings: CompanySettings, grade: Grade | str, frequency: int | None) -> int:
    """A contact plan's frequency wins over the grade's cadence."""
    return frequency if frequency else cadence_days(settings, grade)


def next_due(contact_day: date, cadence: int) -> date:
    """The day the next contact is due: `cadence` days after the contact."""
    return contact_day + timedelta(days=cadence)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ServiceRule:
    """A recurring contact a customer class is owed (seed 001)."""

    origin: FollowUpOrigin
    kind: InteractionKind
    # The company setting holding the interval in months.
    months_setting: str
    # Kinds of logged contact that count as having done it.
    satisfied_by: frozenset[InteractionKind]
    # Assigned to the owner's manager rather than the owner.
    to_manager: bool = False

    def months(self, settings: CompanySettings) -> int:
        """The rule's period in months, from the company settings."""
        return int(getattr(settings, self.months_setting))


LEADERSHIP = ServiceRule(
    FollowUpOrigin.LEADERSHIP_VISIT,
    InteractionKind.LEADERSHIP_VISIT,
    "leadership_visit_months",
    frozenset({InteractionKind.LEADERSHIP_VISIT}),
    to_manager=True,
)
YEARLY_VISIT = ServiceRule(
    FollowUpOrigin.CLASS_VISIT,
    InteractionKind.VISIT,
    "class_b_visit_months",
    frozenset(
        {
            InteractionKind.VISIT,
            InteractionKind.HOME_VISIT,
            InteractionKind.LEADERSHIP_VISIT,
            InteractionKind.TECHNICAL_VISIT,
        }
    ),
)
INQUIRY = ServiceRule(
    FollowUpOrigin.INQUIRY_LETTER,
    InteractionKind.INQUIRY_LETTER,
    "inquiry_letter_months",
    frozenset({InteractionKind.INQUIRY_LETTER}),
)

# Class A: a leadership visit every half year; class B: a visit a year and an inquiry letter
# every half year; class C: fulfil the contract, nothing scheduled.
SERVICE_BY_CLASS: dict[AbcClass, tuple[ServiceRule, ...]] = {
    AbcClass.A: (LEADERSHIP,),
    AbcClass.B: (YEARLY_VISIT, INQUIRY),
    AbcClass.C: (),
}
RULE_BY_ORIGIN = {r.origin: r for r in (LEADERSHIP, YEARLY_VISIT, INQUIRY)}
SERVICE_ORIGINS = frozenset(RULE_BY_ORIGIN)


def rules_for(abc_class: AbcClass | str | None) -> tuple[ServiceRule, ...]:
    """The class-based service rules for an ABC class; none for an unclassified customer."""
    return SERVICE_BY_CLASS.get(AbcClass(abc_class), ()) if abc_class else ()


def default_kind(origin: FollowUpOrigin) -> InteractionKind:
    """The kind of contact a follow-up of this origin calls for (a phone call unless a class rule
    says otherwise)."""
    rule = RULE_BY_ORIGIN.get(origin)
    return rule.kind if rule else InteractionKind.PHONE
