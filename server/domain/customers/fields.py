"""What each editable customer and contact field accepts (docs/domain.md §1 and §2)."""

from __future__ import annotations

from typing import Any

from server.domain.customers.models import (
    AllyStrength,
    Attitude,
    ContactRole,
    Grade,
    Influence,
    SourceChannel,
    Stage,
)
from server.domain.shared import money
from server.domain.shared import validation as v
from server.domain.shared.errors import N_, ErrorCode
from server.domain.shared.validation import FieldInvalid

MAX_TAGS = 20


def tags(value: Any) -> list[str]:
    """Tags trimmed and without repeats; refuses one over 50 characters or more than MAX_TAGS."""
    if value is None:
        return []
    cleaned: list[str] = []
    for raw in value:
        tag = (raw or "").strip()
        if not tag:
            continue
        if len(tag) > 50:
            raise FieldInvalid(ErrorCode.TOO_LONG, "A tag has at most 50 characters.")
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise FieldInvalid(ErrorCode.OUT_OF_RANGE, N_("At most {most} tags."), most=MAX_TAGS)
    return cleaned


# Money is entered as a decimal amount and stored in integer minor units in these columns.
MONEY_COLUMNS = {
    "assets": "assets_minor",
    "registered_capital": "registered_capital_minor",
    "credit_limit": "credit_limit_minor",
}


def code(value: Any) -> str | None:
    """A customer number as a company writes it (KH-0012, 0571-003): no spaces inside."""
    cleaned = v.text(50)(value)
    if cleaned and any(ch.isspace() for ch in cleaned):
        raise FieldInvalid(ErrorCode.INVALID, "A customer code has no spaces.")
    return cleaned or None


CUSTOMER_FIELDS: dict[str, v.Validator] = {
    # Basic (基础资料)
    "name": v.text(200, required=True),
    "code": code,
    "address": v.text(500),
    "phone": v.phone,
    "email": v.email,
    "legal_representative": v.text(100),
    "organization_form": v.text(100),
    "industry": v.text(100),
    "assets": money.amount_or_none,
    "relationship_since": v.past_date,
    "region": v.text(100),
    "route": v.text(100),
    "route_position": v.int_range(0, 1_000_000),
    "latitude": v.float_range(-90, 90),
    "longitude": v.float_range(-180, 180),
    # Characteristics (特征资料)
    "service_area": v.text(500),
    "sales_capacity": v.text(500),
    "development_potential": v.text(500),
    "business_philosophy": v.text(5000),
    "scale": v.text(200),
    "distinctive_features": v.text(5000),
    "factory": v.text(500),
    "equipment": v.text(500),
    "output": v.text(500),
    "quality_requirements": v.text(500),
    "product_structure": v.text(500),
    "our_share_percent": v.int_range(0, 100),
    # Credit (信用状况)
    "registered_capital": money.amount_or_none,
    "years_in_business": v.int_range(0, 1000),
    "credit_limit": money.amount_or_none,
    "billing_day": v.int_range(1, 31),
    "payment_days": v.int_range(0, 365),
    "payment_terms": v.text(100),
    # Transaction status (交易现状)
    "current_sales_activity": v.text(5000),
    "open_problems": v.text(5000),
    # Source channel (收集渠道)
    "source_channel": v.enum_of(SourceChannel),
    "referred_by": v.text(200),
    # Pipeline
    "stage": v.enum_of(Stage),
    "grade": v.enum_of(Grade),
    "is_key_account": v.required_value,
    "tags": tags,
}

CONTACT_FIELDS: dict[str, v.Validator] = {
    "name": v.text(100, required=True),
    "role": v.enum_of(ContactRole),
    "title": v.text(100),
    "phone": v.phone,
    "email": v.email,
    "address": v.text(500),
    "birthday": v.past_date,
    "hobbies": v.text(2000),
    "personality": v.text(2000),
    "family_notes": v.text(2000),
    "introduced_by": v.text(200),
    "is_decision_maker": v.required_value,
    "influence": v.enum_of(Influence),
    "attitude": v.enum_of(Attitude),
    "ally_strength": v.enum_of(AllyStrength),
}


def to_columns(cleaned: dict[str, Any]) -> dict[str, Any]:
    """Input names to model columns (money to its *_minor column); tags are handled apart."""
    return {MONEY_COLUMNS.get(k, k): val for k, val in cleaned.items() if k != "tags"}
