"""The customer and contact columns a selection needs (see server/graphql/projection.py)."""

from __future__ import annotations

from server.domain.customers.models import Contact as ContactModel
from server.domain.customers.models import Customer as CustomerModel
from server.graphql.projection import columns_for

# Computed from other columns, or read from other tables by the customer's id or owner.
_CUSTOMER_DERIVED: dict[str, tuple[str, ...]] = {
    "assets": ("assets_minor",),
    "registeredCapital": ("registered_capital_minor",),
    "creditLimit": ("credit_limit_minor",),
    "lastContact": ("last_contact_at", "last_contact_kind", "last_contact_summary"),
    "isArchived": ("archived_at",),
    "cadenceDays": ("grade",),
    "owner": (),
    "viewerCanEdit": (),
    "tags": (),
    "contacts": (),
    "decisionMakers": (),
    "allies": (),
    "decisionMaker": (),
    "strongestAlly": (),
    "interactions": (),
    "followUps": (),
    "contactPlan": (),
    "salesOrders": (),
}

# Contacts: what sorting and picking (decision makers, allies) need, always; the rest as asked.
_CONTACT_ALWAYS = ("id", "customer_id", "name", "is_decision_maker", "influence", "ally_strength")
_CONTACT_DERIVED: dict[str, tuple[str, ...]] = {"isAlly": ("ally_strength",), "customer": ()}


def customer_columns(wanted: set[str]) -> list[str] | None:
    """The customer model's fields needed to answer these GraphQL fields; None when one of
    them is unknown here and the whole row must be read. The id and the owner always come:
    the node id, visibility and editing need them."""
    found = columns_for(CustomerModel, wanted, always=("id", "owner_id"), derived=_CUSTOMER_DERIVED)
    return list(found) if found is not None else None


def contact_columns(wanted: set[str]) -> tuple[str, ...] | None:
    """The contact model's fields needed to answer these GraphQL fields; None when one of
    them is unknown here and the whole row must be read."""
    return columns_for(ContactModel, wanted, always=_CONTACT_ALWAYS, derived=_CONTACT_DERIVED)
