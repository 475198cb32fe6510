"""The customer columns a selection needs, so a list of 50 customers can read a dozen
columns instead of all fifty-odd.

Turning a wide row into Python objects was the larger part of the queue's time (see the
README's performance section). Plain fields map to the column of the same name; the fields
below are computed from other columns or read from other tables by the customer's id. A
field this module does not know makes the whole row be read, so a new field is never
served from a missing column.
"""

from __future__ import annotations

import re

from server.domain.customers.models import Contact as ContactModel
from server.domain.customers.models import Customer as CustomerModel

# What the type itself always needs: its node id and the owner (visibility, editing).
_ALWAYS = ("id", "owner_id")

_DERIVED: dict[str, tuple[str, ...]] = {
    "__typename": (),
    "id": (),
    "assets": ("assets_minor",),
    "registeredCapital": ("registered_capital_minor",),
    "creditLimit": ("credit_limit_minor",),
    "lastContact": ("last_contact_at", "last_contact_kind", "last_contact_summary"),
    "isArchived": ("archived_at",),
    "cadenceDays": ("grade",),
    # Read by the customer's id or owner from elsewhere.
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

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def customer_columns(wanted: set[str]) -> list[str] | None:
    """The customer model's fields needed to answer these GraphQL fields; None when one of
    them is unknown here and the whole row must be read."""
    known = CustomerModel._meta.fields_db_projection
    columns = set(_ALWAYS)
    for name in wanted:
        if name in _DERIVED:
            columns.update(_DERIVED[name])
            continue
        column = _CAMEL.sub("_", name).lower()
        if column not in known:
            return None
        columns.add(column)
    return sorted(columns)


# Contacts: what sorting and picking (decision makers, allies) need, always; the rest as asked.
_CONTACT_ALWAYS = ("id", "customer_id", "name", "is_decision_maker", "influence", "ally_strength")
_CONTACT_DERIVED: dict[str, tuple[str, ...]] = {
    "__typename": (),
    "id": (),
    "isAlly": ("ally_strength",),
    "customer": (),
}


def contact_columns(wanted: set[str]) -> tuple[str, ...] | None:
    """The contact model's fields needed to answer these GraphQL fields; None when one of
    them is unknown here and the whole row must be read."""
    known = ContactModel._meta.fields_db_projection
    columns = set(_CONTACT_ALWAYS)
    for name in wanted:
        if name in _CONTACT_DERIVED:
            columns.update(_CONTACT_DERIVED[name])
            continue
        column = _CAMEL.sub("_", name).lower()
        if column not in known:
            return None
        columns.add(column)
    return tuple(sorted(columns))
