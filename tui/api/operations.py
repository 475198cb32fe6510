"""Every GraphQL operation the client sends, gathered from the area modules, so a test can
validate each against schema.graphql: a renamed server field fails that test, not a user."""

from __future__ import annotations

from tui.api import (
    access,
    accounts,
    company,
    complaints,
    customers,
    followups,
    live,
    receivables,
)

ALL: dict[str, str] = {
    **accounts.OPERATIONS,
    **company.OPERATIONS,
    **customers.OPERATIONS,
    **followups.OPERATIONS,
    **access.OPERATIONS,
    **complaints.OPERATIONS,
    **receivables.OPERATIONS,
}

# Sent over the WebSocket, not POSTed: validated against the schema with the rest
# (tests/tui/test_operations.py), but not counted per request as ALL is.
SUBSCRIPTIONS: dict[str, str] = live.OPERATIONS
