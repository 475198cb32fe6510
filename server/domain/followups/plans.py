"""The contact plan of a customer (联络计划): focus, expected order, frequency, preferred time."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.customers.services import editable_customer
from server.domain.followups.models import ContactPlan
from server.domain.shared import money
from server.domain.shared import validation as v
from server.domain.shared.errors import stale_version
from server.domain.shared.validation import Patch
from server.domain.shared.versioning import update_versioned

PLAN_FIELDS: dict[str, v.Validator] = {
    "focus": v.text(5000),
    "expected_products": v.text(500),
    "expected_quantity": v.int_range(0, 1_000_000_000),
    "expected_amount": money.amount_or_none,
    "frequency_days": v.int_range(1, 3660),
    "preferred_time": v.text(100),
}
_COLUMNS = {"expected_amount": "expected_amount_minor"}
AUDITED = [
    "focus",
    "expected_products",
    "expected_quantity",
    "expected_amount_minor",
    "frequency_days",
    "preferred_time",
]


async def set_contact_plan(
    viewer: Viewer, customer_id: int, version: int | None, values: Patch
) -> ContactPlan:
    """Create the plan or change it. Omitted fields keep their value; a null frequency
    returns the customer to its grade's cadence. The next follow-up scheduled after this
    uses the new frequency."""
    viewer.require_user()
    customer = await editable_customer(viewer, customer_id, field="customer_id")
    cleaned = v.clean(PLAN_FIELDS, values)
    columns = {_COLUMNS.get(k, k): val for k, val in cleaned.items()}
    async with in_transaction():
        plan = await ContactPlan.get_or_none(customer_id=customer.id)
        if plan is None:
            if version not in (None, 0):
                raise stale_version(0)
            plan = await ContactPlan.create(customer_id=customer.id, **columns)
            before: dict[str, Any] = {}
        else:
            before = {c: getattr(plan, c) for c in AUDITED}
            await update_versioned(ContactPlan, plan.id, version, plan.version, **columns)
            plan = await ContactPlan.get(id=plan.id)
        after = {c: getattr(plan, c) for c in AUDITED}
        await audit.record(
            viewer, "contactplan.set", "Customer", customer.id, audit.diff(before, after)
        )
    return plan
