"""Input objects of the customer area. Omitted fields are left unchanged on update."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from strawberry import Maybe, relay

from server.graphql.customers.enums import (
    AllyStrength,
    Attitude,
    ContactRole,
    CustomerSortField,
    Grade,
    Influence,
    SortDirection,
    SourceChannel,
    Stage,
)

f = strawberry.field


@strawberry.input(description="Customer facts shared by create and update.")
class CustomerFields:
    code: Maybe[str | None] = f(
        description="The company's own customer number, ≤50 characters, unique; empty or "
        "null removes it.",
    )
    address: Maybe[str | None] = f(description="Postal address, ≤500 characters.")
    phone: Maybe[str | None] = f(description="Main phone: digits, spaces, + ( ) -.")
    email: Maybe[str | None] = f(description="Main email address.")
    legal_representative: Maybe[str | None] = f(description="Legal representative.")
    organization_form: Maybe[str | None] = f(description="Form of organisation.")
    industry: Maybe[str | None] = f(description="Industry.")
    assets: Maybe[Decimal | None] = f(
        description="Total assets as a decimal string, ≥ 0, two places at most."
    )
    relationship_since: Maybe[date | None] = f(
        description="When the relationship began; not in the future."
    )
    region: Maybe[str | None] = f(description="Sales region.")
    route: Maybe[str | None] = f(description="Travel route within the region.")
    route_position: Maybe[int | None] = f(description="Position on the route, ≥ 0.")
    latitude: Maybe[float | None] = f(
        description="Latitude in WGS-84 degrees, -90 to 90, for visit routes."
    )
    longitude: Maybe[float | None] = f(
        description="Longitude in WGS-84 degrees, -180 to 180, for visit routes."
    )
    service_area: Maybe[str | None] = f(description="Area the customer serves.")
    sales_capacity: Maybe[str | None] = f(description="Sales capacity.")
    development_potential: Maybe[str | None] = f(description="Development potential.")
    business_philosophy: Maybe[str | None] = f(description="Business philosophy.")
    scale: Maybe[str | None] = f(description="Company scale.")
    distinctive_features: Maybe[str | None] = f(description="Distinctive features.")
    factory: Maybe[str | None] = f(description="Factory.")
    equipment: Maybe[str | None] = f(description="Equipment.")
    output: Maybe[str | None] = f(description="Output.")
    quality_requirements: Maybe[str | None] = f(description="Quality requirements.")
    product_structure: Maybe[str | None] = f(description="Product structure.")
    our_share_percent: Maybe[int | None] = f(description="Our share of their purchases, 0–100.")
    registered_capital: Maybe[Decimal | None] = f(
        description="Registered capital, decimal string ≥ 0."
    )
    years_in_business: Maybe[int | None] = f(description="Years in business, 0–1000.")
    credit_limit: Maybe[Decimal | None] = f(
        description="Credit limit, decimal string ≥ 0, two places at most."
    )
    billing_day: Maybe[int | None] = f(description="Billing day of the month, 1–31.")
    payment_days: Maybe[int | None] = f(
        description="Days of credit, 0–365 (0: payment before or on delivery); null for the "
        "company's default. With billingDay it gives each debt's due date."
    )
    payment_terms: Maybe[str | None] = f(
        description="Payment terms in words.",
        deprecation_reason="Use paymentDays and billingDay; this text no longer sets due dates.",
    )
    current_sales_activity: Maybe[str | None] = f(description="Current sales activity.")
    open_problems: Maybe[str | None] = f(description="Open problems.")
    source_channel: Maybe[SourceChannel | None] = f(description="Source channel.")
    referred_by: Maybe[str | None] = f(description="Who introduced the customer.")
    stage: Maybe[Stage | None] = f(description="Pipeline stage.")
    grade: Maybe[Grade | None] = f(description="Grade A–E.")
    is_key_account: Maybe[bool | None] = f(description="Key account flag.")
    tags: Maybe[list[str] | None] = f(
        description="Replaces all tags: at most 20, each ≤50 characters."
    )


@strawberry.input(description="A new customer. Only the name is required.")
class CustomerCreateInput(CustomerFields):
    name: str = f(description="Company name, 1–200 characters.")
    owner_id: relay.GlobalID | None = f(
        default=None,
        description="Owner; defaults to you. Managers may pick someone in their team.",
    )


@strawberry.input(description="Changes to a customer: send only the fields that change.")
class CustomerUpdateInput(CustomerFields):
    id: relay.GlobalID = f(description="The customer.")
    version: int = f(description="The version you read; a newer one on the server is a conflict.")
    name: Maybe[str | None] = f(description="Company name, 1–200 characters.")


@strawberry.input(description="Which customer to archive or restore.")
class CustomerArchiveInput:
    id: relay.GlobalID = f(description="The customer.")
    version: int = f(description="The version you read.")


@strawberry.input(description="Hand one customer to another salesperson.")
class CustomerTransferInput:
    id: relay.GlobalID = f(description="The customer.")
    new_owner_id: relay.GlobalID = f(description="The salesperson who takes it over.")
    version: int | None = f(
        default=None, description="The version you read; omit to transfer whatever the version."
    )


@strawberry.input(description="Hand every customer of one user to another (e.g. a rep leaves).")
class CustomerTransferAllInput:
    from_user_id: relay.GlobalID = f(description="The user giving up their customers.")
    to_user_id: relay.GlobalID = f(description="The user taking them over.")


@strawberry.input(description="Narrows a customer list. All given conditions must hold.")
class CustomerFilter:
    search: str | None = f(
        default=None,
        description="Part of the name or the customer code, case-insensitive; Chinese, full "
        "pinyin (hangzhou) or pinyin initials (hzjx). At most 100 characters.",
    )
    owner_ids: list[relay.GlobalID] | None = f(default=None, description="Any of these owners.")
    stages: list[Stage] | None = f(default=None, description="Any of these stages.")
    grades: list[Grade] | None = f(default=None, description="Any of these grades.")
    regions: list[str] | None = f(default=None, description="Any of these regions.")
    tags: list[str] | None = f(default=None, description="Carrying all of these tags.")
    is_key_account: bool | None = f(default=None, description="Key accounts only, or none.")
    archived: bool | None = f(
        default=None, description="True: archived customers only. Default: active ones only."
    )


@strawberry.input(description="Sort order of a customer list.")
class CustomerOrder:
    field: CustomerSortField = f(description="What to sort on.")
    direction: SortDirection = f(default=SortDirection.ASC, description="Which way.")


@strawberry.input(description="Contact facts shared by create and update.")
class ContactFields:
    role: Maybe[ContactRole | None] = f(description="Function inside the customer.")
    title: Maybe[str | None] = f(description="Job title.")
    phone: Maybe[str | None] = f(description="Phone number.")
    email: Maybe[str | None] = f(description="Email address.")
    address: Maybe[str | None] = f(description="Address.")
    birthday: Maybe[date | None] = f(description="Birthday; not in the future.")
    hobbies: Maybe[str | None] = f(description="Preferences and hobbies.")
    personality: Maybe[str | None] = f(description="Personality notes.")
    family_notes: Maybe[str | None] = f(description="Family notes.")
    introduced_by: Maybe[str | None] = f(description="Who introduced us to them.")
    is_decision_maker: Maybe[bool | None] = f(description="Decides the purchase.")
    influence: Maybe[Influence | None] = f(description="Weight in decisions.")
    attitude: Maybe[Attitude | None] = f(description="Attitude toward us.")
    ally_strength: Maybe[AllyStrength | None] = f(description="Ally strength.")


@strawberry.input(description="A new contact at a customer.")
class ContactCreateInput(ContactFields):
    customer_id: relay.GlobalID = f(description="The customer they work for.")
    name: str = f(description="Full name, 1–100 characters.")


@strawberry.input(description="Changes to a contact: send only the fields that change.")
class ContactUpdateInput(ContactFields):
    id: relay.GlobalID = f(description="The contact.")
    version: int = f(description="The version you read.")
    name: Maybe[str | None] = f(description="Full name, 1–100 characters.")


@strawberry.input(description="Which contact to remove.")
class ContactDeleteInput:
    id: relay.GlobalID = f(description="The contact.")
