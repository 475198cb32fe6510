"""Root fields of the follow-up area: the queue, team view, visit plan, monitoring, and the
mutations that log contacts and manage follow-ups and contact plans."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from server.domain.company.services import today
from server.domain.followups import interactions, plans, tasks
from server.domain.followups.models import FollowUp as DomainFollowUp
from server.domain.followups.monitoring import sales_activity
from server.domain.followups.queue import (
    may_see_queue_of,
    team_workload,
)
from server.domain.followups.visits import visit_plan
from server.domain.shared.errors import DomainError, ErrorCode
from server.graphql.accounts import loaders as accounts_loaders
from server.graphql.accounts.types import User
from server.graphql.customers.types import customer_of
from server.graphql.errors import argument_error
from server.graphql.followups.enums import InteractionKind, RouteMethod
from server.graphql.followups.inputs import (
    ContactPlanSetInput,
    ExpectedOrderInput,
    FollowUpCreateInput,
    FollowUpRescheduleInput,
    FollowUpSkipInput,
    FollowUpUpdateInput,
    GeoPointInput,
    InteractionLogInput,
)
from server.graphql.followups.types import (
    ContactPlan,
    CustomerType,
    FollowUp,
    FollowUpQueue,
    FollowUpQueueFilter,
    Interaction,
    KindCount,
    RepActivity,
    VisitPlan,
    VisitStop,
    Workload,
    domain_queue_filter,
)
from server.graphql.ids import decode_id
from server.graphql.input_values import input_values
from server.graphql.mutations import MutationInput, Payload, mutate
from server.graphql.rules import company_rules


def _user_arg(info: Info, user_id: relay.GlobalID | None) -> int:
    if user_id is None:
        return int(info.context.viewer.id)
    try:
        return decode_id(user_id, "User", "userId")
    except DomainError:
        return -1


DayArg = Annotated[
    date | None,
    strawberry.argument(
        description="The company day; today in the company's time zone if omitted."
    ),
]
UserArg = Annotated[
    relay.GlobalID | None,
    strawberry.argument(description="Whose; you when omitted. Managers may name their team."),
]


@strawberry.type
class FollowUpsQuery:
    @strawberry.field(
        description="A salesperson's follow-up queue for a day. Null when you may not see "
        "that person's queue (only your own, and your team's if you manage one)."
    )
    async def follow_up_queue(
        self,
        info: Info,
        user_id: UserArg = None,
        day: DayArg = None,
        filter: Annotated[
            FollowUpQueueFilter | None,
            strawberry.argument(description="Narrow by region, grade or kind."),
        ] = None,
    ) -> FollowUpQueue | None:
        viewer = info.context.viewer
        uid = _user_arg(info, user_id)
        if not await may_see_queue_of(viewer, uid):
            return None
        user = await info.context.loader(accounts_loaders.users).load(uid)
        if user is None:
            return None
        settings = await company_rules(info)
        return FollowUpQueue(
            day=day or today(settings),
            user=User.from_row(user),
            _filter=domain_queue_filter(filter),
            _settings=settings,
        )

    @strawberry.field(
        description="The team view: for each person whose queue you may see, the open "
        "follow-ups overdue and due on the day, and their customers out of cadence."
    )
    async def follow_up_team(self, info: Info, day: DayArg = None) -> list[Workload]:
        viewer = info.context.viewer
        settings = await company_rules(info)
        loads = await team_workload(viewer, day or today(settings), settings)
        return [
            Workload(
                user=User.from_model(w.user),
                overdue_count=w.overdue,
                due_today_count=w.due_today,
                out_of_cadence_count=w.out_of_cadence,
            )
            for w in loads
        ]

    @strawberry.field(
        description="The visits due by a day (overdue ones included) in one region, in travel "
        "order (路序). Null when you may not see that person's queue."
    )
    async def visit_plan(
        self,
        info: Info,
        region: Annotated[str, strawberry.argument(description="The customers' region.")],
        day: DayArg = None,
        user_id: UserArg = None,
        start: Annotated[
            GeoPointInput | None,
            strawberry.argument(description="Where the day starts, for nearest-neighbour order."),
        ] = None,
    ) -> VisitPlan | None:
        viewer = info.context.viewer
        uid = _user_arg(info, user_id)
        if not await may_see_queue_of(viewer, uid):
            return None
        if start is not None and not (
            -90 <= start.latitude <= 90 and -180 <= start.longitude <= 180
        ):
            raise argument_error(
                DomainError.single(ErrorCode.OUT_OF_RANGE, "Not a point on Earth.", "start")
            )
        day = day or today(await company_rules(info))
        point = (start.latitude, start.longitude) if start else None
        plan = await visit_plan(viewer, uid, region, day, point)
        currency = info.context.currency
        return VisitPlan(
            day=plan.day,
            region=plan.region,
            method=RouteMethod(plan.method.value),
            stops=[
                VisitStop(
                    position=n,
                    customer=customer_of(info, stop.customer),
                    follow_ups=[FollowUp.from_model(f, currency) for f in stop.follow_ups],
                    distance_km=stop.distance_km,
                )
                for n, stop in enumerate(plan.stops, start=1)
            ],
            total_km=plan.total_km,
        )

    @strawberry.field(
        description="Sales-process monitoring (销售过程监控): per person whose queue you may "
        "see, contacts by kind and follow-ups closed on time, late or skipped between two "
        "company days (inclusive), with today's overdue and out-of-cadence counts."
    )
    async def sales_activity(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from", description="First day.")],
        to: Annotated[date, strawberry.argument(description="Last day, inclusive.")],
    ) -> list[RepActivity]:
        viewer = info.context.viewer
        settings = await company_rules(info)
        try:
            report = await sales_activity(viewer, settings, from_, to)
        except DomainError as exc:
            raise argument_error(exc) from None
        return [
            RepActivity(
                user=User.from_model(r.user),
                interactions=r.interactions,
                interactions_by_kind=[
                    KindCount(kind=InteractionKind(k), count=n)
                    for k, n in sorted(r.interactions_by_kind.items())
                ],
                follow_ups_done_on_time=r.done_on_time,
                follow_ups_done_late=r.done_late,
                follow_ups_skipped=r.skipped,
                overdue_now=r.overdue_now,
                customers_out_of_cadence=r.out_of_cadence,
            )
            for r in report
        ]


@strawberry.type(description="Result of interactionLog.")
class InteractionLogPayload(Payload):
    interaction: Interaction | None = strawberry.field(
        default=None, description="The logged contact."
    )
    customer: CustomerType | None = strawberry.field(
        default=None,
        description="The customer after the contact: re-graded when it is the latest contact.",
    )
    completed_follow_ups: list[FollowUp] = strawberry.field(
        default_factory=list, description="The follow-ups this contact answered."
    )
    next_follow_up: FollowUp | None = strawberry.field(
        default=None,
        description="The follow-up scheduled from the cadence, never before today; null when "
        "the contact is older than the customer's latest (see `isLatest`).",
    )
    is_latest: bool = strawberry.field(
        default=False,
        description="True when this is now the customer's latest contact: the grade you "
        "confirmed was set and the next follow-up scheduled from it. False for a contact "
        "older than the latest one: it is kept as history (timeline, satisfaction, "
        "monitoring) and closes only follow-ups that were already open when it happened; "
        "the grade, `nextDueOn`, `nextKind` and `nextPurpose` are recorded on it but leave "
        "the customer and its schedule as the latest contact set them.",
    )
    scheduled_follow_ups: list[FollowUp] = strawberry.field(
        default_factory=list,
        description="Class-service follow-ups scheduled again because one was just done.",
    )
    replayed: bool = strawberry.field(
        default=False,
        description="True when the idempotency key had been used: nothing new was recorded.",
    )


@strawberry.type(description="Result of followUpCreate.")
class FollowUpCreatePayload(Payload):
    follow_up: FollowUp | None = strawberry.field(default=None, description="The new follow-up.")


@strawberry.type(description="Result of followUpUpdate.")
class FollowUpUpdatePayload(Payload):
    follow_up: FollowUp | None = strawberry.field(
        default=None, description="The follow-up after the change."
    )


@strawberry.type(description="Result of followUpReschedule.")
class FollowUpReschedulePayload(Payload):
    follow_up: FollowUp | None = strawberry.field(default=None, description="The follow-up, moved.")


@strawberry.type(description="Result of followUpSkip.")
class FollowUpSkipPayload(Payload):
    follow_up: FollowUp | None = strawberry.field(
        default=None, description="The skipped follow-up."
    )
    next_follow_up: FollowUp | None = strawberry.field(
        default=None,
        description="For a recurring follow-up, the next one, counted from the later of its "
        "due date and today.",
    )


@strawberry.type(description="Result of contactPlanSet.")
class ContactPlanSetPayload(Payload):
    contact_plan: ContactPlan | None = strawberry.field(
        default=None, description="The plan after the change."
    )


def _expected(values: dict[str, Any]) -> dict[str, Any]:
    """Flatten `expectedOrder { products quantity amount }` into the service's field names."""
    order = values.pop("expected_order", None)
    if isinstance(order, ExpectedOrderInput):
        for name, value in input_values(order).items():
            values[f"expected_{name}"] = value
    return values


# The services check flat expected_* fields; the inputs nest them in `expectedOrder`, and an
# error must point where the caller wrote the value.
_ORDER_PATHS = {
    f"expected_{part}": ("expectedOrder", part) for part in ("products", "quantity", "amount")
}


def _ids(gids: list[relay.GlobalID] | None, type_name: str, field: str) -> list[int] | None:
    if gids is None:
        return None
    return [decode_id(g, type_name, field) for g in gids]


@strawberry.type
class FollowUpsMutation:
    @strawberry.mutation(
        description="Log a contact and move the customer on, in one transaction: record it, "
        "close the follow-ups it answers, set the grade you confirm and schedule the next "
        "follow-up from that grade's cadence (or the contact plan's frequency)."
    )
    async def interaction_log(
        self,
        info: Info,
        input: MutationInput[InteractionLogInput],
    ) -> InteractionLogPayload:
        currency = info.context.currency

        def logged(result: interactions.LogResult) -> InteractionLogPayload:
            return InteractionLogPayload(
                interaction=Interaction.from_model(result.interaction),
                customer=customer_of(info, result.customer),
                completed_follow_ups=[FollowUp.from_model(f, currency) for f in result.completed],
                next_follow_up=FollowUp.from_model(result.next_follow_up, currency)
                if result.next_follow_up
                else None,
                is_latest=result.is_latest,
                scheduled_follow_ups=[
                    FollowUp.from_model(f, currency) for f in result.also_scheduled
                ],
                replayed=result.replayed,
            )

        return await mutate(
            InteractionLogPayload,
            lambda: interactions.log_interaction(
                info.context.viewer,
                decode_id(input.customer_id, "Customer", "customer_id"),
                input_values(
                    input,
                    skip=("customer_id", "our_people_ids", "contact_ids", "follow_up_id"),
                ),
                follow_up_id=decode_id(input.follow_up_id, "FollowUp", "follow_up_id")
                if input.follow_up_id
                else None,
                contact_ids=_ids(input.contact_ids, "Contact", "contact_ids"),
                our_people_ids=_ids(input.our_people_ids, "User", "our_people_ids"),
            ),
            logged,
        )

    @strawberry.mutation(description="Plan a follow-up by hand.")
    async def follow_up_create(
        self,
        info: Info,
        input: MutationInput[FollowUpCreateInput],
    ) -> FollowUpCreatePayload:
        def values() -> dict[str, Any]:
            sent = _expected(input_values(input, skip=("customer_id", "assignee_id")))
            if input.assignee_id and input.assignee_id.value:
                sent["assignee_id"] = decode_id(input.assignee_id.value, "User", "assignee_id")
            return sent

        currency = info.context.currency
        return await mutate(
            FollowUpCreatePayload,
            lambda: tasks.create_follow_up(
                info.context.viewer,
                decode_id(input.customer_id, "Customer", "customer_id"),
                values(),
            ),
            lambda m: FollowUpCreatePayload(follow_up=FollowUp.from_model(m, currency)),
            paths=_ORDER_PATHS,
        )

    @strawberry.mutation(
        description="Change an open follow-up's kind, assignee, purpose, expected order or "
        "notes; a stale `version` changes nothing."
    )
    async def follow_up_update(
        self,
        info: Info,
        input: MutationInput[FollowUpUpdateInput],
    ) -> FollowUpUpdatePayload:
        def values() -> dict[str, Any]:
            sent = _expected(input_values(input, skip=("id", "version", "assignee_id")))
            if input.assignee_id and input.assignee_id.value:
                sent["assignee_id"] = decode_id(input.assignee_id.value, "User", "assignee_id")
            return sent

        currency = info.context.currency
        return await mutate(
            FollowUpUpdatePayload,
            lambda: tasks.update_follow_up(
                info.context.viewer, decode_id(input.id, "FollowUp", "id"), input.version, values()
            ),
            lambda m: FollowUpUpdatePayload(follow_up=FollowUp.from_model(m, currency)),
            paths=_ORDER_PATHS,
        )

    @strawberry.mutation(description="Move an open follow-up to another day, with a reason.")
    async def follow_up_reschedule(
        self,
        info: Info,
        input: MutationInput[FollowUpRescheduleInput],
    ) -> FollowUpReschedulePayload:
        currency = info.context.currency
        return await mutate(
            FollowUpReschedulePayload,
            lambda: tasks.reschedule_follow_up(
                info.context.viewer,
                decode_id(input.id, "FollowUp", "id"),
                input.version,
                input.due_on,
                input.reason,
            ),
            lambda m: FollowUpReschedulePayload(follow_up=FollowUp.from_model(m, currency)),
        )

    @strawberry.mutation(
        description="Skip an open follow-up, with a reason. A cadence or class-service "
        "follow-up comes round again, so the customer stays in cadence."
    )
    async def follow_up_skip(
        self,
        info: Info,
        input: MutationInput[FollowUpSkipInput],
    ) -> FollowUpSkipPayload:
        currency = info.context.currency

        def skipped(result: tuple[DomainFollowUp, DomainFollowUp | None]) -> FollowUpSkipPayload:
            done, following = result
            return FollowUpSkipPayload(
                follow_up=FollowUp.from_model(done, currency),
                next_follow_up=FollowUp.from_model(following, currency) if following else None,
            )

        return await mutate(
            FollowUpSkipPayload,
            lambda: tasks.skip_follow_up(
                info.context.viewer,
                decode_id(input.id, "FollowUp", "id"),
                input.version,
                input.reason,
            ),
            skipped,
        )

    @strawberry.mutation(
        description="Create or change a customer's contact plan (联络计划). The next follow-up "
        "scheduled uses its frequency."
    )
    async def contact_plan_set(
        self,
        info: Info,
        input: MutationInput[ContactPlanSetInput],
    ) -> ContactPlanSetPayload:
        currency = info.context.currency
        return await mutate(
            ContactPlanSetPayload,
            lambda: plans.set_contact_plan(
                info.context.viewer,
                decode_id(input.customer_id, "Customer", "customer_id"),
                input.version,
                _expected(input_values(input, skip=("customer_id", "version"))),
            ),
            lambda m: ContactPlanSetPayload(contact_plan=ContactPlan.from_model(m, currency)),
            paths=_ORDER_PATHS,
        )


# This area's root parts, joined into Query and Mutation (server/areas.py).
QUERY = FollowUpsQuery
MUTATION = FollowUpsMutation
