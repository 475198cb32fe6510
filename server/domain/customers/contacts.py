"""The people inside a customer: add, edit, remove (docs/domain.md §2)."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from server.domain.access.visibility import can_edit_customer
from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.company.services import company_today
from server.domain.customers.fields import CONTACT_FIELDS
from server.domain.customers.models import Contact, Customer
from server.domain.customers.scope import visible_contacts
from server.domain.customers.services import editable_customer
from server.domain.shared import validation as v
from server.domain.shared.errors import N_, not_allowed, not_found
from server.domain.shared.limits import refuse_at
from server.domain.shared.validation import Patch
from server.domain.shared.versioning import update_versioned

AUDITED = [c for c in Contact._meta.fields_db_projection if c not in ("version", "updated_at")]
# The people one customer holds at most: more than any buying centre, and the bound a query
# asking for customers' contacts is costed by (server/graphql/cost.py).
MAX_CONTACTS = 100


def _snapshot(contact: Contact) -> dict[str, Any]:
    return {c: getattr(contact, c) for c in AUDITED}


async def get_contact(viewer: Viewer, contact_id: int) -> Contact:
    """The contact if the viewer may see its customer; NOT_FOUND otherwise, hidden or
    missing alike."""
    contact = await (await visible_contacts(viewer)).filter(id=contact_id).first()
    if contact is None:
        raise not_found("Contact")
    return contact


async def _editable_contact(viewer: Viewer, contact_id: int) -> Contact:
    contact = await get_contact(viewer, contact_id)
    customer = await Customer.get(id=contact.customer_id)
    if not await can_edit_customer(viewer, customer):
        raise not_allowed("Only the owner and their managers may change this customer's contacts.")
    return contact


async def create_contact(viewer: Viewer, customer_id: int, values: Patch) -> Contact:
    """Add a person to a customer the viewer may change. Refuses a missing name and any value its
    field does not accept (CONTACT_FIELDS)."""
    viewer.require_user()
    customer = await editable_customer(viewer, customer_id, field="customer_id")
    if "name" not in values:
        values = {**values, "name": ""}
    cleaned = v.clean(CONTACT_FIELDS, values, today=await company_today())
    await refuse_at(
        Contact.filter(customer_id=customer.id),
        MAX_CONTACTS,
        N_("A customer holds at most {most} contacts; remove one who has left first."),
        "customer_id",
    )
    async with in_transaction():
        contact = await Contact.create(customer_id=customer.id, **cleaned)
        changes = audit.diff({}, _snapshot(contact))
        await audit.record(viewer, "contact.create", "Contact", contact.id, changes)
    return contact


async def update_contact(viewer: Viewer, contact_id: int, version: int, values: Patch) -> Contact:
    """Change the fields sent; a stale `version` changes nothing (STALE_VERSION). Refuses values
    CONTACT_FIELDS does not accept and customers the viewer may only read."""
    viewer.require_user()
    contact = await _editable_contact(viewer, contact_id)
    cleaned = v.clean(CONTACT_FIELDS, values, today=await company_today())
    async with in_transaction():
        await update_versioned(Contact, contact.id, version, contact.version, **cleaned)
        after = await Contact.get(id=contact.id)
        changes = audit.diff(_snapshot(contact), _snapshot(after))
        await audit.record(viewer, "contact.update", "Contact", contact.id, changes)
    return after


async def delete_contact(viewer: Viewer, contact_id: int) -> int:
    """Remove a contact of a customer the viewer may change; returns its id. Past contacts keep the
    name they were logged with."""
    viewer.require_user()
    contact = await _editable_contact(viewer, contact_id)
    async with in_transaction():
        await Contact.filter(id=contact.id).delete()
        changes = audit.diff(_snapshot(contact), {})
        await audit.record(viewer, "contact.delete", "Contact", contact.id, changes)
    return contact.id
