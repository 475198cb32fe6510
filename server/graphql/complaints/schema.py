"""Root fields of the complaints area: the list, the board, the lessons register, and one
mutation per step (seed 001 §10.2, docs/domain.md §5)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from server.domain.complaints import analysis, evidence, models, queries, services
from server.domain.shared.blobs import DirectoryStore
from server.domain.shared.errors import N_, DomainError, ErrorCode
from server.graphql.accounts import loaders as accounts_loaders
from server.graphql.accounts.types import Department
from server.graphql.complaints.enums import ComplaintCategory, ComplaintStep
from server.graphql.complaints.inputs import (
    ComplaintAnalyseInput,
    ComplaintApproveInput,
    ComplaintAssignInput,
    ComplaintCorrectiveActionDoneInput,
    ComplaintEvaluateInput,
    ComplaintEvidenceAttachInput,
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
from server.graphql.complaints.resolvers import (
    LATEST_CLOSED_FIRST,
    MOST_URGENT_FIRST,
    NEWEST_FIRST,
    complaint_page,
)
from server.graphql.complaints.types import Complaint, ComplaintEvidence
from server.graphql.connections import After, Before, Connection, First, Last, page_args
from server.graphql.customers.types import visible_customer
from server.graphql.enums import by_value
from server.graphql.errors import argument_error
from server.graphql.ids import decode_id
from server.graphql.input_values import input_values
from server.graphql.mutations import MutationInput, Payload, mutate

if TYPE_CHECKING:
    from server.graphql.customers.types import Customer

CustomerType = Annotated["Customer", strawberry.lazy("server.graphql.customers.types")]
d = strawberry.field
_STEPS, _CATEGORIES = by_value(ComplaintStep), by_value(ComplaintCategory)


FilterArgument = Annotated[
    ComplaintFilter | None, strawberry.argument(description="Narrow the list; all when omitted.")
]


async def _filtered(info: Info, f: ComplaintFilter | None) -> Any:
    try:
        return await queries.filtered_complaints(info.context.viewer, domain_filter(f))
    except DomainError as exc:
        raise argument_error(exc) from None


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
        return await complaint_page(
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


@strawberry.type(description="A number of complaints in one category.")
class CategoryCount:
    category: ComplaintCategory = d(description="The category.")
    count: int = d(description="How many.")


@strawberry.type(description="A number of complaints assigned to one department.")
class DepartmentCount:
    count: int = d(description="How many.")
    _department_id: strawberry.Private[int | None]

    @strawberry.field(description="The department; null for those not yet assigned.")
    async def department(self, info: Info) -> Department | None:
        if self._department_id is None:
            return None
        m = await info.context.loader(accounts_loaders.departments).load(self._department_id)
        return Department.from_model(m) if m else None


@strawberry.type(description="A number of complaints standing in one step.")
class StepCount:
    step: ComplaintStep = d(description="The step.")
    count: int = d(description="How many.")


@strawberry.type(description="How long complaints sat in one step before moving on.")
class StepTime:
    step: ComplaintStep = d(description="The step.")
    moves: int = d(description="Moves out of the step, among the period's complaints.")
    mean_seconds: int | None = d(description="Mean time in the step, in seconds.")
    p90_seconds: int | None = d(
        description="90th percentile (nearest rank): nine moves in ten took no longer."
    )
    within_limit_percent: Decimal | None = d(
        description="Share of the moves made by the step's due time, in percent (one place)."
    )


@strawberry.type(description="A customer who complained more than once in the period.")
class RepeatComplainer:
    customer_name: str = d(description="The customer's name.")
    complaints: int = d(description="How many complaints in the period.")
    _customer_id: strawberry.Private[int]

    @strawberry.field(description="The customer; null when you may not see its record.")
    async def customer(self, info: Info) -> CustomerType | None:
        return await visible_customer(info, self._customer_id)


@strawberry.type(
    description="Complaints received in a period, among those you may read (docs/domain.md §5: "
    "track how long each step takes)."
)
class ComplaintAnalysis:
    start: date = d(description="First company day of the period.")
    end: date = d(description="Last company day of the period.")
    received: int = d(description="Complaints received in the period.")
    by_category: list[CategoryCount] = d(description="By category, every category listed.")
    by_department: list[DepartmentCount] = d(description="By department assigned, most first.")
    by_step: list[StepCount] = d(description="By the step they stand in now, every step listed.")
    step_times: list[StepTime] = d(description="Time per step, the seven open steps in order.")
    repeat_complainers: list[RepeatComplainer] = d(
        description="Customers with more than one complaint, most first, at most 100."
    )


def _analysis(found: analysis.Analysis) -> ComplaintAnalysis:
    return ComplaintAnalysis(
        start=found.start,
        end=found.end,
        received=found.received,
        by_category=[
            CategoryCount(category=_CATEGORIES[c], count=found.by_category.get(c, 0))
            for c in models.ComplaintCategory
        ],
        by_department=[
            DepartmentCount(count=n, _department_id=dep)
            for dep, n in sorted(found.by_department.items(), key=lambda kv: (-kv[1], kv[0] or 0))
        ],
        by_step=[
            StepCount(step=_STEPS[s], count=found.by_step.get(s, 0)) for s in models.ComplaintStep
        ],
        step_times=[
            StepTime(
                step=_STEPS[t.step],
                moves=t.moves,
                mean_seconds=t.mean_seconds,
                p90_seconds=t.p90_seconds,
                within_limit_percent=t.within_limit_percent,
            )
            for t in found.step_times
        ],
        repeat_complainers=[
            RepeatComplainer(
                customer_name=r.customer_name, complaints=r.complaints, _customer_id=r.customer_id
            )
            for r in found.repeat_complainers
        ],
    )


@strawberry.type
class ComplaintsQuery:
    @strawberry.field(
        description="Complaint analysis for a period of company days (both included, at "
        "most ten years), over the complaints you may read."
    )
    async def complaint_analysis(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from", description="First day.")],
        to: Annotated[date, strawberry.argument(description="Last day.")],
    ) -> ComplaintAnalysis:
        try:
            found = await analysis.analyse(info.context.viewer, from_, to)
        except DomainError as exc:
            raise argument_error(exc) from None
        return _analysis(found)

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
        return await complaint_page(
            info, query, NEWEST_FIRST, page_args(first, after, last, before)
        )

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
        return await complaint_page(
            info, query, LATEST_CLOSED_FIRST, page_args(first, after, None, None)
        )


# ---- mutations: one per step, each answering with the complaint as it now stands ----


@strawberry.type(description="Result of a complaint mutation.")
class ComplaintPayload(Payload):
    complaint: Complaint | None = d(default=None, description="The complaint after the change.")


@strawberry.type(description="Result of complaintEvidenceAttach.")
class ComplaintEvidenceAttachPayload(Payload):
    evidence: ComplaintEvidence | None = d(default=None, description="The file attached.")
    complaint: Complaint | None = d(default=None, description="The complaint it is attached to.")


def _complaint_id(value: Any) -> int:
    return decode_id(value, "Complaint", "id")


async def _act(info: Info, call: Callable[[], Awaitable[models.Complaint]]) -> ComplaintPayload:
    currency = info.context.currency

    async def answer(m: models.Complaint) -> ComplaintPayload:
        return ComplaintPayload(complaint=await Complaint.load(m.id, currency))

    return await mutate(ComplaintPayload, call, answer)


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

    @strawberry.mutation(
        description="Attach a photo or document to a complaint you may read (a multipart "
        "request). The same file attached twice is kept once."
    )
    async def complaint_evidence_attach(
        self, info: Info, input: MutationInput[ComplaintEvidenceAttachInput]
    ) -> ComplaintEvidenceAttachPayload:
        settings = info.context.settings
        limit = settings.max_evidence_bytes

        async def call() -> tuple[models.ComplaintEvidence, Complaint]:
            # On Starlette an Upload is its UploadFile. One byte more than allowed is
            # enough to refuse it.
            upload: Any = input.file
            if not hasattr(upload, "read"):  # a value in a JSON body, not a file part
                raise DomainError.single(
                    ErrorCode.INVALID,
                    N_("Send the file as a part of a multipart request."),
                    "file",
                )
            data = await upload.read(limit + 1)
            attached = await evidence.attach(
                info.context.viewer,
                _complaint_id(input.id),
                getattr(upload, "filename", None) or "",
                data,
                DirectoryStore(settings.evidence_path),
                limit,
                input.description,
            )
            return attached, await Complaint.load(attached.complaint_id, info.context.currency)

        def attached(
            result: tuple[models.ComplaintEvidence, Complaint],
        ) -> ComplaintEvidenceAttachPayload:
            file, complaint = result
            return ComplaintEvidenceAttachPayload(
                evidence=ComplaintEvidence.from_model(file), complaint=complaint
            )

        return await mutate(ComplaintEvidenceAttachPayload, call, attached)

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
