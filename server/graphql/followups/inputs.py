"""Input objects of the follow-up area."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry import Maybe, relay

from server.graphql.customers.enums import Grade
from server.graphql.followups.enums import FollowUpOrigin, InteractionKind

f = strawberry.field


@strawberry.input(
    description="A contact to log. It closes the follow-ups it answers, sets the grade you "
    "confirm, and schedules the next follow-up from that grade's cadence."
)
class InteractionLogInput:
    customer_id: relay.GlobalID = f(description="The customer contacted; one you may change.")
    kind: InteractionKind = f(description="How the contact took place.")
    grade: Grade = f(
        description="The customer's grade after this contact. Required every time: the "
        "customer is re-graded after every follow-up (docs/domain.md §3), changed or not."
    )
    idempotency_key: str | None = f(
        default=None,
        description="Any unique string, ≤100 characters. Sending the same key again returns "
        "the first result and records nothing new: safe to retry after a timeout.",
    )
    occurred_at: datetime | None = f(
        default=None,
        description="When it took place; now when omitted. Not in the future. Without an "
        "offset it is read in the company's time zone. A contact older than the customer's "
        "latest is recorded as history: see `InteractionLogPayload.isLatest`.",
    )
    our_people_ids: list[relay.GlobalID] | None = f(
        default=None, description="Users from our side who took part; you when omitted."
    )
    contact_ids: list[relay.GlobalID] | None = f(
        default=None, description="The customer's contacts who were present."
    )
    summary: str | None = f(
        default=None, description="One line for lists, ≤200 characters; derived if omitted."
    )
    needs: str | None = f(default=None, description="What the customer needs.")
    problems: str | None = f(default=None, description="Problems the customer raised.")
    outcome: str | None = f(default=None, description="What came of it.")
    next_step: str | None = f(default=None, description="The agreed next step.")
    satisfaction: int | None = f(default=None, description="Customer satisfaction, 1–5.")
    follow_up_id: relay.GlobalID | None = f(
        default=None,
        description="An open follow-up this contact answers; it must have been planned before "
        "the contact happened. The customer's open cadence follow-up, and any class-service "
        "follow-up this kind of contact fulfils within its period, are closed in any case "
        "when they were planned before the contact.",
    )
    next_due_on: date | None = f(
        default=None,
        description="Due date of the next follow-up; from the cadence when omitted (counted "
        "from the contact's day, and today at the earliest). Not in the past.",
    )
    next_kind: InteractionKind | None = f(
        default=None, description="Kind of the next follow-up; the current rhythm if omitted."
    )
    next_purpose: str | None = f(
        default=None, description="Purpose of the next follow-up; the next step if omitted."
    )


@strawberry.input(description="An expected order.")
class ExpectedOrderInput:
    products: Maybe[str | None] = f(description="Products, ≤500 characters.")
    quantity: Maybe[int | None] = f(description="Quantity, ≥ 0.")
    amount: Maybe[Decimal | None] = f(description="Amount, decimal string ≥ 0.")


@strawberry.input(description="A follow-up planned by hand.")
class FollowUpCreateInput:
    customer_id: relay.GlobalID = f(description="The customer; one you may change.")
    due_on: date = f(description="The company day it is due; not in the past.")
    kind: Maybe[InteractionKind | None] = f(
        description="How to make contact; by origin when omitted."
    )
    origin: Maybe[FollowUpOrigin | None] = f(
        description="MANUAL when omitted. CADENCE is not allowed: logging a contact schedules "
        "those. A customer has at most one open follow-up of each recurring origin.",
    )
    assignee_id: Maybe[relay.GlobalID | None] = f(
        description="Who is to do it: the customer's owner (default) or someone above them.",
    )
    purpose: Maybe[str | None] = f(description="What the contact is for.")
    expected_order: Maybe[ExpectedOrderInput | None] = f(description="The order hoped for.")
    preparation_notes: Maybe[str | None] = f(description="What to prepare.")


@strawberry.input(description="Changes to an open follow-up; omitted fields stay.")
class FollowUpUpdateInput:
    id: relay.GlobalID = f(description="The follow-up.")
    version: int = f(description="The version you read.")
    kind: Maybe[InteractionKind | None] = f(description="How to make contact.")
    assignee_id: Maybe[relay.GlobalID | None] = f(description="Who is to do it.")
    purpose: Maybe[str | None] = f(description="What the contact is for.")
    expected_order: Maybe[ExpectedOrderInput | None] = f(
        description="The order hoped for; given fields replace."
    )
    preparation_notes: Maybe[str | None] = f(description="What to prepare.")


@strawberry.input(description="Move an open follow-up to another day.")
class FollowUpRescheduleInput:
    id: relay.GlobalID = f(description="The follow-up.")
    version: int = f(description="The version you read.")
    due_on: date = f(description="The new due date; not in the past.")
    reason: str = f(description="Why, ≤1000 characters; required.")


@strawberry.input(description="Skip an open follow-up.")
class FollowUpSkipInput:
    id: relay.GlobalID = f(description="The follow-up.")
    version: int = f(description="The version you read.")
    reason: str = f(description="Why, ≤1000 characters; required.")


@strawberry.input(description="A customer's contact plan; omitted fields stay as they are.")
class ContactPlanSetInput:
    customer_id: relay.GlobalID = f(description="The customer; one you may change.")
    version: int | None = f(
        default=None, description="The plan's version you read; omit when creating it."
    )
    focus: Maybe[str | None] = f(description="Focus of the contacts (联络重点).")
    expected_order: Maybe[ExpectedOrderInput | None] = f(description="The order hoped for.")
    frequency_days: Maybe[int | None] = f(
        description="Days between contacts, 1–3660, overriding the grade's cadence; null "
        "returns to the cadence.",
    )
    preferred_time: Maybe[str | None] = f(
        description="When the customer likes to be contacted, e.g. 周二上午."
    )


@strawberry.input(description="A point on the map, WGS-84 degrees.")
class GeoPointInput:
    latitude: float = f(description="Latitude, -90 to 90.")
    longitude: float = f(description="Longitude, -180 to 180.")
