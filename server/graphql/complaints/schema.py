"""Root fields of the complaints area: the list, the board, the lessons register, and one
mutation per step (seed 001 §10.2, DOMAIN.md §5)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from server.domain.complaints import models, queries, services
from server.domain.shared.errors import DomainError
from server.domain.shared.paging import DATETIME, SortKey, paginate
from server.graphql.common import (
    After,
    Before,
    Connection,
    First,
    Last,
    argument_error,
    connection,
    decode_id,
    input_values,
    nodes_selection,
    page_args,
)
from server.graphql.complaints.enums import ComplaintStep
from server.graphql.complaints.inputs import (
    ComplaintAnalyseInput,
    ComplaintApproveInput,
    ComplaintAssignInput,
    ComplaintCorrectiveActionDoneInput,
    ComplaintEvaluateInput,
    ComplaintFilter,
    ComplaintImplementInput,
    ComplaintProposeInput,
    ComplaintRecordInput,
    ComplaintRejectInput,
    ComplaintReopenInput,
    ComplaintSendBackInput,
    ComplaintValidateInput,
    domain_filter,
)
from server.graphql.complaints.types import Complaint, complaint_columns
from server.graphql.enums import by_value
from server.graphql.mutations import MutationInput, Payload, mutate

d = strawberry.field
_STEPS = by_value(ComplaintStep)

NEWEST_FIRST = SortKey("received_at", descending=True, decode=DATETIME)
MOST_URGENT_FIRST = SortKey("step_due_at", decode=DATETIME)
LATEST_CLOSED_FIRST = SortKey("closed_at", descending=True, decode=DATETIME)

FilterArgument = Annotated[
    ComplaintFilter | None, strawberry.argument(description="Narrow the list; all when omitted.")
]


async def _filtered(info: Info, f: ComplaintFilter | None) -> Any:
    try:
        return await queries.filtered_complaints(info.context.viewer, domain_filter(f))
    except DomainError as exc:
        raise argument_error(exc) from None


async def _page(info: Info, query: Any, sort: SortKey, args: Any) -> Connection[Complaint]:
    columns = complaint_columns(nodes_selection(info).names)
    currency = info.context.settings.currency
    try:
        page = await paginate(query, sort, args, columns=columns)
    except DomainError as exc:
        raise argument_error(exc) from None
    return connection(page, lambda row: Complaint.from_row(row, currency))


@strawberry.type(description="One column of the complaint board: the complaints in one step.")
class ComplaintBoardColumn:
    step: ComplaintStep = d(description="The step.")
    count: int = d(description="How many complaints wait in it.")
    overdue_count: int = d(description="How many of those are past the step's due time.")
    _query: strawberry.Private[Any]

    @strawberry.field(description="The complaints in the step, the most urgent (due first) first.")
    async def complaints(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Complaint]:
        step = models.ComplaintStep(str(self.step.value))
        return await _page(
            info,
            self._query.filter(step=step),
            MOST_URGENT_FIRST,
            page_args(first, after, None, None),
        )


@strawberry.type(
    description="The complaint board: the open complaints you may read, by step, with what "
    "is overdue. Managers see their team's customers' complaints, service staff the triage "
    "queue and their department's."
)
class ComplaintBoard:
    columns: list[ComplaintBoardColumn] = d(description="The seven open steps, in order.")

    @strawberry.field(description="Open complaints in all columns.")
    def open_count(self) -> int:
        return sum(c.count for c in self.columns)

    @strawberry.field(description="Overdue complaints in all columns.")
    def overdue_count(self) -> int:
        return sum(c.overdue_count for c in self.columns)


@strawberry.type
class ComplaintsQuery:
    @strawberry.field(description="Complaints you may read, newest received first.")
    async def complaints(
        self,
        info: Info,
        filter: FilterArgument = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Complaint]:
        query = await _filtered(info, filter)
        return await _page(info, query, NEWEST_FIRST, page_args(first, after, last, before))

    @strawberry.field(description="The complaint board (open complaints by step).")
    async def complaint_board(self, info: Info, filter: FilterArgument = None) -> ComplaintBoard:
        try:
            flt = domain_filter(filter)
            counts = await queries.board_counts(info.context.viewer, flt)
            query = await queries.filtered_complaints(info.context.viewer, flt)
        except DomainError as exc:
            raise argument_error(exc) from None
        return ComplaintBoard(
            columns=[
                ComplaintBoardColumn(
                    step=_STEPS[c.step], count=c.count, overdue_count=c.overdue, _query=query
                )
                for c in counts
            ]
        )

    @strawberry.field(
        description="The lessons register: evaluated complaints with their lessons and "
        "corrective actions, latest closed first. Filter by category, department and the "
        "days received; `correctiveOpen: true` keeps those whose corrective action is not done."
    )
    async def complaint_lessons(
        self,
        info: Info,
        filter: FilterArgument = None,
        corrective_open: Annotated[
            bool | None,
            strawberry.argument(description="True: only corrective actions not yet done."),
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Complaint]:
        query = (await _filtered(info, filter)).filter(
            step=models.ComplaintStep.CLOSED, closed_at__not_isnull=True
        )
        if corrective_open:
            query = query.exclude(corrective_action="").filter(corrective_done_on=None)
        return await _page(info, query, LATEST_CLOSED_FIRST, page_args(first, after, None, None))


async def escalated(
    info: Info, user_id: int, first: int | None, after: str | None
) -> Connection[Complaint]:
    """The overdue complaints escalated into this user's follow-up queue (the queue's
    `overdueComplaints`)."""
    query = await queries.escalated_to(info.context.viewer, user_id)
    return await _page(info, query, MOST_URGENT_FIRST, page_args(first, after, None, None))


async def customer_complaints(
    info: Info, customer_id: int, open_only: bool, first: int | None, after: str | None
) -> Connection[Complaint]:
    """A customer's complaints (the customer's `complaints`), as far as the viewer reads them."""
    query = await queries.filtered_complaints(
        info.context.viewer,
        queries.ComplaintFilter(customer_id=customer_id, open_only=open_only),
    )
    return await _page(info, query, NEWEST_FIRST, page_args(first, after, None, None))


# ---- mutations: one per step, each answering with the complaint as it now stands ----


@strawberry.type(description="Result of a complaint mutation.")
class ComplaintPayload(Payload):
    complaint: Complaint | None = d(default=None, description="The complaint after the change.")


def _complaint_id(value: Any) -> int:
    return decode_id(value, "Complaint", "id")


async def _act(info: Info, call: Callable[[], Awaitable[models.Complaint]]) -> ComplaintPayload:
    currency = info.context.settings.currency
    return await mutate(
        ComplaintPayload,
        call,
        lambda m: ComplaintPayload(complaint=Complaint.from_model(m, currency)),
    )


def _optional_id(value: Any, type_name: str, field: str) -> int | None:
    return decode_id(value, type_name, field) if value is not None else None


@strawberry.type
class ComplaintsMutation:
    @strawberry.mutation(
        description="Record a complaint (step 1). Anyone who can see the customer may; it "
        "waits for validation, due within the company's limit."
    )
    async def complaint_record(
        self, info: Info, input: MutationInput[ComplaintRecordInput]
    ) -> ComplaintPayload:
        viewer = info.context.viewer

        async def call() -> models.Complaint:
            values = input_values(input, skip=("customer_id", "contact_id", "sales_order_id"))
            values["contact_id"] = _optional_id(input.contact_id, "Contact", "contact_id")
            values["sales_order_id"] = _optional_id(
                input.sales_order_id, "SalesOrder", "sales_order_id"
            )
            if values["order_line_numbers"] is None:
                del values["order_line_numbers"]
            return await services.record_complaint(
                viewer, decode_id(input.customer_id, "Customer", "customer_id"), values
            )

        return await _act(info, call)

    @strawberry.mutation(description="Step 2: judge the complaint justified.")
    async def complaint_validate(
        self, info: Info, input: MutationInput[ComplaintValidateInput]
    ) -> ComplaintPayload:
        return await _act(
            info,
            lambda: services.validate(
                info.context.viewer, _complaint_id(input.id), input.version, input.note
            ),
        )

    @strawberry.mutation(
        description="Step 2: judge the complaint unjustified, with the reason and the reply "
        "sent; it ends (it may be reopened)."
    )
    async def complaint_reject(
        self, info: Info, input: MutationInput[ComplaintRejectInput]
    ) -> ComplaintPayload:
        return await _act(
            info,
            lambda: services.reject(
                info.context.viewer,
                _complaint_id(input.id),
                input.version,
                input.rejection_reason,
                input.reply,
                input.note,
            ),
        )

    @strawberry.mutation(description="Step 3: name the responsible department and person.")
    async def complaint_assign(
        self, info: Info, input: MutationInput[ComplaintAssignInput]
    ) -> ComplaintPayload:
        return await _act(
            info,
            lambda: services.assign(
                info.context.viewer,
                _complaint_id(input.id),
                input.version,
                decode_id(input.department_id, "Department", "department_id"),
                decode_id(input.assignee_id, "User", "assignee_id"),
                input.note,
            ),
        )

    @strawberry.mutation(description="Step 4: record the root cause and who is responsible.")
    async def complaint_analyse(
        self, info: Info, input: MutationInput[ComplaintAnalyseInput]
    ) -> ComplaintPayload:
        return await _act(
            info,
            lambda: services.analyse(
                info.context.viewer,
                _complaint_id(input.id),
                input.version,
                input.root_cause,
                str(input.responsible_party.value),
                input.note,
            ),
        )

    @strawberry.mutation(description="Step 5: propose a remedy.")
    async def complaint_propose(
        self, info: Info, input: MutationInput[ComplaintProposeInput]
    ) -> ComplaintPayload:
        return await _act(
            info,
            lambda: services.propose(
                info.context.viewer,
                _complaint_id(input.id),
                input.version,
                str(input.remedy_kind.value),
                input.remedy_description,
                input.remedy_amount,
                input.note,
            ),
        )

    @strawberry.mutation(
        description="Step 6: approve the proposed remedy: a supervisor over the customer "
        "(APPROVE_REMEDIES), never the person who proposed it."
    )
    async def complaint_approve(
        self, info: Info, input: MutationInput[ComplaintApproveInput]
    ) -> ComplaintPayload:
        return await _act(
            info,
            lambda: services.approve(
                info.context.viewer, _complaint_id(input.id), input.version, input.note
            ),
        )

    @strawberry.mutation(description="Step 6: send the proposal back to be proposed again.")
    async def complaint_send_back(
        self, info: Info, input: MutationInput[ComplaintSendBackInput]
    ) -> ComplaintPayload:
        return await _act(
            info,
            lambda: services.send_back(
                info.context.viewer, _complaint_id(input.id), input.version, input.note
            ),
        )

    @strawberry.mutation(description="Step 7: record what was done and the customer's feedback.")
    async def complaint_implement(
        self, info: Info, input: MutationInput[ComplaintImplementInput]
    ) -> ComplaintPayload:
        return await _act(
            info,
            lambda: services.implement(
                info.context.viewer,
                _complaint_id(input.id),
                input.version,
                input.implementation,
                input.customer_notified_at,
                input.customer_feedback,
                input.note,
            ),
        )

    @strawberry.mutation(
        description="Step 8: record lessons, the corrective action and the customer's "
        "satisfaction, and close. A follow-up call lands in the customer owner's queue."
    )
    async def complaint_evaluate(
        self, info: Info, input: MutationInput[ComplaintEvaluateInput]
    ) -> ComplaintPayload:
        return await _act(
            info,
            lambda: services.evaluate(
                info.context.viewer,
                _complaint_id(input.id),
                input.version,
                input.lessons,
                input.satisfaction,
                input.corrective_action,
                _optional_id(input.corrective_owner_id, "User", "corrective_owner_id"),
                input.corrective_due_on,
                input.note,
            ),
        )

    @strawberry.mutation(
        description="Reopen a complaint, with a reason: a closed one returns to analysis, a "
        "rejected one to assignment."
    )
    async def complaint_reopen(
        self, info: Info, input: MutationInput[ComplaintReopenInput]
    ) -> ComplaintPayload:
        return await _act(
            info,
            lambda: services.reopen(
                info.context.viewer, _complaint_id(input.id), input.version, input.reopen_reason
            ),
        )

    @strawberry.mutation(description="Record the corrective action of a closed complaint done.")
    async def complaint_corrective_action_done(
        self, info: Info, input: MutationInput[ComplaintCorrectiveActionDoneInput]
    ) -> ComplaintPayload:
        return await _act(
            info,
            lambda: services.corrective_action_done(
                info.context.viewer, _complaint_id(input.id), input.version, input.done_on
            ),
        )


# This area's root parts, joined into Query and Mutation (server/areas.py).
QUERY = ComplaintsQuery
MUTATION = ComplaintsMutation
