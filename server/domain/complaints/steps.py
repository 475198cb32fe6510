"""The complaint's eight steps as a transition table (seed 001 §10.2, docs/domain.md §5).

    record ──▶ VALIDATE ──validate──▶ ASSIGN ──assign──▶ ANALYSE ──analyse──▶ PROPOSE
                  │                                          ▲                   │
                reject                                    reopen             propose
                  ▼                                          │                   ▼
               REJECTED ──reopen──▶ ASSIGN        CLOSED ────┘    PROPOSE ◀─send_back── APPROVE
                                                    ▲                                    │
                                                 evaluate                             approve
                                                    │                                    ▼
                                                 EVALUATE ◀────────implement──────── IMPLEMENT

Who may: triage (validate, reject, assign, evaluate) is for the customer's owner line (the
owner, their managers, an admin) and complaint handlers; the work (analyse, propose,
implement) for the assignee, handlers of the assigned department and the owner's managers;
approval for those who approve remedies over the customer, never the proposer; reopening
for those who approve remedies or the owner line. Everyone must first see the complaint.
"""

from __future__ import annotations

from typing import Any

from server.domain.access.visibility import can_edit_owned_by, team_of
from server.domain.accounts.permissions import Permission
from server.domain.accounts.viewer import Viewer
from server.domain.company.models import CompanySettings
from server.domain.complaints.models import Complaint, ComplaintAction, ComplaintStep
from server.domain.customers.models import Customer
from server.domain.shared.errors import N_, DomainError, ErrorCode
from server.domain.workflow.process import Process, Transition

Step = ComplaintStep
A = ComplaintAction


async def _owner_of(complaint: Complaint) -> int:
    """The customer's owner (read afresh: a transfer moves the complaint's owner line)."""
    customer = await Customer.get(id=complaint.customer_id).only("id", "owner_id")
    return customer.owner_id


async def _anyone(viewer: Viewer, complaint: Any) -> bool:
    # Recording is for whoever sees the customer: the service checks that first.
    return viewer.user is not None


async def triages(viewer: Viewer, complaint: Complaint) -> bool:
    """Whether the viewer may judge, assign and close the complaint: complaint handlers and
    the customer's owner line."""
    return viewer.may(Permission.HANDLE_COMPLAINTS) or await can_edit_owned_by(
        viewer, await _owner_of(complaint)
    )


async def _manages_owner(viewer: Viewer, complaint: Complaint) -> bool:
    if viewer.sees_all:
        return True
    return viewer.may(Permission.SEE_TEAM) and await _owner_of(complaint) in await team_of(viewer)


async def _works(viewer: Viewer, complaint: Complaint) -> bool:
    user = viewer.user
    if user is None:
        return False
    if complaint.assignee_id == user.id:
        return True
    if (
        viewer.may(Permission.HANDLE_COMPLAINTS)
        and complaint.department_id is not None
        and user.department_id == complaint.department_id
    ):
        return True
    return await _manages_owner(viewer, complaint)


async def _supervises(viewer: Viewer, complaint: Complaint) -> bool:
    if not viewer.may(Permission.APPROVE_REMEDIES) or not await _manages_owner(viewer, complaint):
        return False
    if complaint.proposed_by_id == viewer.id:
        # Four eyes: whoever proposed the remedy does not approve it.
        raise DomainError.single(
            ErrorCode.NOT_ALLOWED,
            N_("You proposed this remedy; another supervisor must approve it or send it back."),
        )
    return True


async def _reopens(viewer: Viewer, complaint: Complaint) -> bool:
    return (
        viewer.may(Permission.APPROVE_REMEDIES) and await _manages_owner(viewer, complaint)
    ) or await can_edit_owned_by(viewer, await _owner_of(complaint))


def _limit(settings: CompanySettings, step: ComplaintStep) -> int | None:
    days: dict[ComplaintStep, int] = {
        Step.VALIDATE: settings.complaint_validate_days,
        Step.ASSIGN: settings.complaint_assign_days,
        Step.ANALYSE: settings.complaint_analyse_days,
        Step.PROPOSE: settings.complaint_propose_days,
        Step.APPROVE: settings.complaint_approve_days,
        Step.IMPLEMENT: settings.complaint_implement_days,
        Step.EVALUATE: settings.complaint_evaluate_days,
    }
    return days.get(step)


def _t(
    action: ComplaintAction,
    sources: set[Step],
    target: Step,
    may: Any,
    requires: tuple[str, ...] = (),
) -> Transition[Step]:
    return Transition(action, frozenset(sources), target, may, requires)


COMPLAINTS: Process[ComplaintStep] = Process(
    name="complaint",
    object_type="Complaint",
    model=Complaint,
    transitions=(
        _t(A.RECORD, set(), Step.VALIDATE, _anyone),
        _t(A.VALIDATE, {Step.VALIDATE}, Step.ASSIGN, triages),
        _t(A.REJECT, {Step.VALIDATE}, Step.REJECTED, triages, ("rejection_reason", "reply")),
        _t(A.ASSIGN, {Step.ASSIGN}, Step.ANALYSE, triages, ("department_id", "assignee_id")),
        _t(A.ANALYSE, {Step.ANALYSE}, Step.PROPOSE, _works, ("root_cause", "responsible_party")),
        _t(A.PROPOSE, {Step.PROPOSE}, Step.APPROVE, _works, ("remedy_kind", "remedy_description")),
        _t(A.APPROVE, {Step.APPROVE}, Step.IMPLEMENT, _supervises),
        _t(A.SEND_BACK, {Step.APPROVE}, Step.PROPOSE, _supervises, ("note",)),
        _t(
            A.IMPLEMENT,
            {Step.IMPLEMENT},
            Step.EVALUATE,
            _works,
            ("implementation", "customer_notified_at"),
        ),
        _t(A.EVALUATE, {Step.EVALUATE}, Step.CLOSED, triages, ("lessons", "satisfaction")),
        _t(A.REOPEN, {Step.CLOSED}, Step.ANALYSE, _reopens, ("reopen_reason",)),
        _t(A.REOPEN, {Step.REJECTED}, Step.ASSIGN, _reopens, ("reopen_reason",)),
    ),
    limit_days=_limit,
)
