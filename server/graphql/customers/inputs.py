"""Input objects of the customer area. Omitted fields are left unchanged on update."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from strawberry import UNSET, relay

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
    code: str | None = f(
        default=UNSET,
        description="The company's own customer number, ≤50 characters, unique; empty or "
        "null removes it.",
    )
    address: str | None = f(default=UNSET, description="Postal address, ≤500 characters.")
    phone: str | None = f(default=UNSET, description="Main phone: digits, spaces, + ( ) -.")
    email: str | None = f(default=UNSET, description="Main email address.")
    legal_representative: str | None = f(default=UNSET, description="Legal representative.")
    organization_form: str | None = f(default=UNSET, description="Form of organisation.")
    industry: str | None = f(default=UNSET, description="Industry.")
    assets: Decimal | None = f(
        default=UNSET, description="Total assets as a decimal string, ≥ 0, two places at most."
    )
    relationship_since: date | None = f(
        default=UNSET, description="When the relationship began; not in the future."
    )
    region: str | None = f(default=UNSET, description="Sales region.")
    route: str | None = f(default=UNSET, description="Travel route within the region.")
    route_position: int | None = f(default=UNSET, description="Position on the route, ≥ 0.")
    latitude: float | None = f(
        default=UNSET, description="Latitude in WGS-84 degrees, -90 to 90, for visit routes."
    )
    longitude: float | None = f(
        default=UNSET, description="Longitude in WGS-84 degrees, -180 to 180, for visit routes."
    )
    service_area: str | None = f(default=UNSET, description="Area the customer serves.")
    sales_capacity: str | None = f(default=UNSET, description="Sales capacity.")
    development_potential: str | None = f(default=UNSET, description="Development potential.")
    business_philosophy: str | None = f(default=UNSET, description="Business philosophy.")
    scale: str | None = f(default=UNSET, description="Company scale.")
    distinctive_features: str | None = f(default=UNSET, description="Distinctive features.")
    factory: str | None = f(default=UNSET, description="Factory.")
    equipment: str | None = f(default=UNSET, description="Equipment.")
    output: str | None = f(default=UNSET, description="Output.")
    quality_requirements: str | None = f(default=UNSET, description="Quality requirements.")
    product_structure: str | None = f(default=UNSET, description="Product structure.")
    our_share_percent: int | None = f(
        default=UNSET, description="Our share of their purchases, 0–100."
    )
    registered_capital: Decimal | None = f(
        default=UNSET, description="Registered capital, decimal string ≥ 0."
    )
    years_in_business: int | None = f(default=UNSET, description="Years in business, 0–1000.")
    credit_limit: Decimal | None = f(
        default=UNSET, description="Credit limit, decimal string ≥ 0, two places at most."
    )
    billing_day: int | None = f(default=UNSET, description="Billing day of the month, 1–31.")
    payment_terms: str | None = f(default=UNSET, description="Payment terms, e.g. net 30.")
    current_sales_activity: str | None = f(default=UNSET, description="Current sales activity.")
    open_problems: str | None = f(default=UNSET, description="Open problems.")
    source_channel: SourceChannel | None = f(default=UNSET, description="Source channel.")
    referred_by: str | None = f(default=UNSET, description="Who introduced the customer.")
    stage: Stage | None = f(default=UNSET, description="Pipeline stage.")
    grade: Grade | None = f(default=UNSET, description="Grade A–E.")
    is_key_account: bool | None = f(default=UNSET, description="Key account flag.")
    tags: list[str] | None = f(
        default=UNSET, description="Replaces all tags: at most 20, each ≤50 characters."
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
    name: str | None = f(default=UNSET, description="Company name, 1–200 characters.")


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
    role: ContactRole | None = f(default=UNSET, description="Function inside the customer.")
    title: str | None = f(default=UNSET, description="Job title.")
    phone: str | None = f(default=UNSET, description="Phone number.")
    email: str | None = f(default=UNSET, description="Email address.")
    address: str | None = f(default=UNSET, description="Address.")
    birthday: date | None = f(default=UNSET, description="Birthday; not in the future.")
    hobbies: str | None = f(default=UNSET, description="Preferences and hobbies.")
    personality: str | None = f(default=UNSET, description="Personality notes.")
    family_notes: str | None = f(default=UNSET, description="Family notes.")
    introduced_by: str | None = f(default=UNSET, description="Who introduced us to them.")
    is_decision_maker: bool | None = f(default=UNSET, description="Decides the purchase.")
    influence: Influence | None = f(default=UNSET, description="Weight in decisions.")
    attitude: Attitude | None = f(default=UNSET, description="Attitude toward us.")
    ally_strength: AllyStrength | None = f(default=UNSET, description="Ally strength.")


@strawberry.input(description="A new contact at a customer.")
class ContactCreateInput(ContactFields):
    customer_id: relay.GlobalID = f(description="The customer they work for.")
    name: str = f(description="Full name, 1–100 characters.")


@strawberry.input(description="Changes to a contact: send only the fields that change.")
class ContactUpdateInput(ContactFields):
    id: relay.GlobalID = f(description="The contact.")
    version: int = f(description="The version you read.")
    name: str | None = f(default=UNSET, description="Full name, 1–100 characters.")


@strawberry.input(description="Which contact to remove.")
class ContactDeleteInput:
    id: relay.GlobalID = f(description="The contact.")
