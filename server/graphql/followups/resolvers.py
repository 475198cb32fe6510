"""What the follow-up area answers for the Customer type, provided through
customers/hooks.py: its timeline, its follow-ups, its contact plan and its cadence."""

from __future__ import annotations

from strawberry.types import Info

from server.domain.followups import interactions as interaction_services
from server.domain.followups import models
from server.domain.followups.schedule import effective_cadence
from server.domain.shared.errors import DomainError
from server.graphql.connections import Connection, connection, page_args
from server.graphql.customers import hooks
from server.graphql.errors import argument_error
from server.graphql.followups import loaders as followups_loaders
from server.graphql.followups.enums import FollowUpStatus
from server.graphql.followups.types import (
    ContactPlan,
    FollowUp,
    Interaction,
    followup_columns,
    interaction_columns,
)
from server.graphql.rules import company_rules
from server.graphql.selection import field_selection, nodes_selection


@hooks.provides("interactions")
async def customer_timeline(
    info: Info,
    customer_id: int,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[Interaction]:
    """Customer.interactions: the logged contacts, newest first, a page at a time."""
    columns = interaction_columns(nodes_selection(info).names)
    try:
        page = await interaction_services.timeline(
            customer_id, page_args(first, after, last, before), columns
        )
    except DomainError as exc:
        raise argument_error(exc) from None
    return connection(page, Interaction.from_row)


@hooks.provides("follow_ups")
async def customer_follow_ups(
    info: Info, customer_id: int, status: list[FollowUpStatus] | None
) -> list[FollowUp]:
    """Customer.followUps: those with these statuses (open when none), by due date."""
    wanted = [str(s.value) for s in status] if status else ["open"]
    columns = followup_columns(field_selection(info, "FollowUp").names)
    rows = (
        await models.FollowUp.filter(customer_id=customer_id, status__in=wanted)
        .order_by("due_on", "id")
        .limit(200)
        .values(*columns)
    )
    currency = info.context.currency
    return [FollowUp.from_row(r, currency) for r in rows]


@hooks.provides("contact_plan")
async def customer_contact_plan(info: Info, customer_id: int) -> ContactPlan | None:
    """Customer.contactPlan, batched over a page of customers."""
    plan = await info.context.loader(followups_loaders.contact_plans).load(customer_id)
    return ContactPlan.from_model(plan, info.context.currency) if plan else None


@hooks.provides("cadence_days")
async def customer_cadence_days(info: Info, customer_id: int, grade: str) -> int:
    """Customer.cadenceDays: the plan's frequency, else the grade's cadence."""
    plan = await info.context.loader(followups_loaders.contact_plans).load(customer_id)
    settings = await company_rules(info)
    return effective_cadence(settings, grade, plan.frequency_days if plan else None)
