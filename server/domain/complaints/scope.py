"""Which complaints a viewer sees: those of the customers they see (the one rule in
access/visibility.py), plus those assigned to them; complaint handlers (the service
department) also see every complaint waiting for triage and those assigned to their
department, and those they judged unjustified. Anything else is hidden; nobody signed in
sees nothing."""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from server.domain.access.visibility import customer_scope
from server.domain.accounts.permissions import Permission
from server.domain.accounts.viewer import Viewer
from server.domain.complaints.models import Complaint, ComplaintStep

# Waiting to be judged or assigned: the service department's queue, whoever the customer's;
# and those judged unjustified there, which the department answers for.
TRIAGE_STEPS = frozenset({ComplaintStep.VALIDATE, ComplaintStep.ASSIGN, ComplaintStep.REJECTED})


async def visible_complaints(viewer: Viewer) -> QuerySet[Complaint]:
    """The complaints the viewer may read."""
    if viewer.user is None:
        return Complaint.filter(id__in=[])
    scope = await customer_scope(viewer, prefix="customer__")
    if scope is None:
        return Complaint.all()
    assigned = Q(assignee_id=viewer.user.id)
    if viewer.may(Permission.HANDLE_COMPLAINTS):
        assigned |= Q(step__in=list(TRIAGE_STEPS))
        if viewer.user.department_id is not None:
            assigned |= Q(department_id=viewer.user.department_id)
    return Complaint.filter(scope | assigned)


async def readable_complaint(viewer: Viewer, complaint_id: int) -> Complaint | None:
    """The complaint if the viewer may read it; None when missing or hidden alike."""
    return await (await visible_complaints(viewer)).filter(id=complaint_id).first()
