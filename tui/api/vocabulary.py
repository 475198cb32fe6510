"""The schema's enums as the client shows them: each value list is the schema's (a test
compares them with schema.graphql), each value has the words a person reads instead of the
raw name, and the grade meanings are built from the same facts the server's are (a test
compares them with the domain).

The client lists values in the order people pick them (phone calls first), not the
schema's; it never sends a value the schema does not know.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency

from tui.api.records import Money

# Grades by expected time to a deal (DOMAIN.md §3): months to the deal, None for D (potential,
# beyond six months) and E (no need). The cadence comes from the company's settings.
GRADE_DEAL_MONTHS: dict[str, int | None] = {"A": 1, "B": 3, "C": 6, "D": None, "E": None}
GRADES = tuple(GRADE_DEAL_MONTHS)
_NO_DATE = {"D": "potential need, deal beyond 6 months", "E": "no need now"}


# Money is shown as a Chinese office writes it: ¥1,234,567.50.
MONEY_LOCALE = "zh_CN"


def money(value: Money | None) -> str:
    """An amount with its currency sign and thousands separators; "" for none."""
    if value is None or not value.amount:
        return ""
    try:
        amount = Decimal(value.amount)
    except InvalidOperation:
        return value.amount
    return format_currency(amount, value.currency or "CNY", locale=MONEY_LOCALE)


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """ "1 customer", "3 customers": the number with its noun in the right form."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def every_days(days: int) -> str:
    return "daily" if days == 1 else f"every {days} days"


def grade_meaning(grade: str, cadence_days: int | None = None) -> str:
    """'deal within 3 months · every 7 days': what the grade says, and how often it means
    following up when the company's cadence is known."""
    months = GRADE_DEAL_MONTHS.get(grade)
    said = f"deal within {months} month{'s' if months != 1 else ''}" if months else ""
    said = said or _NO_DATE.get(grade, "")
    if cadence_days:
        said += f" · {every_days(cadence_days)}"
    return said


STAGE_LABEL = {
    "PROSPECT": "prospect",
    "NEGOTIATING": "negotiating",
    "WON": "won",
    "DEAD": "dead",
}
STAGES = tuple(STAGE_LABEL)

KIND_LABEL = {
    "PHONE": "phone",
    "VISIT": "visit",
    "EMAIL": "email",
    "MEETING": "meeting",
    "LETTER": "letter",
    "HOME_VISIT": "home visit",
    "TECHNICAL_VISIT": "technical visit",
    "LEADERSHIP_VISIT": "leadership visit",
    "INQUIRY_LETTER": "inquiry letter",
}
KINDS = tuple(KIND_LABEL)

SOURCE_LABEL = {
    "INTERNET": "internet",
    "ACQUAINTANCE": "introduced by an acquaintance",
    "PHONE_DIRECTORY": "phone directory",
    "RELATED_COMPANY": "introduced by a related company",
    "INBOUND_ENQUIRY": "they contacted us",
    "OTHER": "other",
}
CONTACT_ROLE_LABEL = {
    "BOSS": "boss",
    "PURCHASING_HEAD": "head of purchasing",
    "FINANCE_HEAD": "head of finance",
    "SALES_HEAD": "head of sales",
    "PRODUCTION_HEAD": "head of production",
    "TECHNICAL": "technical",
    "QUALITY": "quality",
    "OTHER": "other",
}
INFLUENCE_LABEL = {"HIGH": "high", "MEDIUM": "medium", "LOW": "low"}
ATTITUDE_LABEL = {"SUPPORTER": "supporter", "NEUTRAL": "neutral", "OPPONENT": "opponent"}
ALLY_LABEL = {
    "NONE": "not an ally",
    "WEAK": "weak ally",
    "MODERATE": "ally",
    "STRONG": "strong ally",
}
ORIGIN_LABEL = {
    "CADENCE": "cadence",
    "MANUAL": "planned",
    "LEADERSHIP_VISIT": "leadership visit",
    "CLASS_VISIT": "class visit",
    "INQUIRY_LETTER": "inquiry letter",
}
ROLE_LABEL = {
    "SALES_REP": "sales rep",
    "MANAGER": "manager",
    "SERVICE": "service",
    "FINANCE": "finance",
    "ADMIN": "administrator",
}
REQUEST_STATUS_LABEL = {"PENDING": "pending", "GRANTED": "granted", "REFUSED": "refused"}

# Which client list mirrors which schema enum (checked by tests/tui/test_vocabulary.py).
MIRRORS: dict[str, dict[str, object]] = {
    "Grade": dict(GRADE_DEAL_MONTHS),
    "Stage": dict(STAGE_LABEL),
    "InteractionKind": dict(KIND_LABEL),
    "SourceChannel": dict(SOURCE_LABEL),
    "ContactRole": dict(CONTACT_ROLE_LABEL),
    "Influence": dict(INFLUENCE_LABEL),
    "Attitude": dict(ATTITUDE_LABEL),
    "AllyStrength": dict(ALLY_LABEL),
    "FollowUpOrigin": dict(ORIGIN_LABEL),
    "Role": dict(ROLE_LABEL),
    "AccessRequestStatus": dict(REQUEST_STATUS_LABEL),
}

# The userError codes the client acts on.
STALE_VERSION = "STALE_VERSION"
UNAUTHENTICATED = "UNAUTHENTICATED"
CODES_ACTED_ON = (STALE_VERSION, UNAUTHENTICATED)
