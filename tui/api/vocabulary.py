"""The schema's enums as the client shows them: each value list is the schema's (a test
compares them with schema.graphql), each value has the words a person reads instead of the
raw name, and the grade meanings are built from the same facts the server's are (a test
compares them with the domain).

The client lists values in the order people pick them (phone calls first), not the
schema's; it never sends a value the schema does not know.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency

from tui.api.records import Money
from tui.i18n import N_, Terms, _, ngettext

# Grades by expected time to a deal (docs/domain.md §3): months to the deal, None for D (potential,
# beyond six months) and E (no need). The cadence comes from the company's settings.
GRADE_DEAL_MONTHS: dict[str, int | None] = {"A": 1, "B": 3, "C": 6, "D": None, "E": None}
GRADES = tuple(GRADE_DEAL_MONTHS)
_NO_DATE = {"D": N_("potential need, deal beyond 6 months"), "E": N_("no need now")}


# Money is shown as a Chinese office writes it, in either language: ¥1,234,567.50.
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


def every_days(days: int) -> str:
    return _("daily") if days == 1 else _("every {n} days").format(n=days)


def contact_every(days: int) -> str:
    """'contact every 7 days': a cadence as the queue and the contact plan say it."""
    return _("contact {cadence}").format(cadence=every_days(days))


def grade_meaning(grade: str, cadence_days: int | None = None) -> str:
    """'deal within 3 months · every 7 days': what the grade says, and how often it means
    following up when the company's cadence is known."""
    months = GRADE_DEAL_MONTHS.get(grade)
    if months:
        said = ngettext("deal within {n} month", "deal within {n} months", months).format(n=months)
    else:
        said = _(_NO_DATE.get(grade, ""))
    if cadence_days:
        said += f" · {every_days(cadence_days)}"
    return said


# Each enum's words, in the language current when read (tui/locale/glossary.toml).
STAGE_LABEL = Terms("Stage")
STAGES = tuple(STAGE_LABEL)
KIND_LABEL = Terms("InteractionKind")
KINDS = tuple(KIND_LABEL)
SOURCE_LABEL = Terms("SourceChannel")
CONTACT_ROLE_LABEL = Terms("ContactRole")
INFLUENCE_LABEL = Terms("Influence")
ATTITUDE_LABEL = Terms("Attitude")
ALLY_LABEL = Terms("AllyStrength")
ORIGIN_LABEL = Terms("FollowUpOrigin")
ROLE_LABEL = Terms("Role")
REQUEST_STATUS_LABEL = Terms("AccessRequestStatus")
COMPLAINT_STEP_LABEL = Terms("ComplaintStep")
COMPLAINT_ACTION_LABEL = Terms("ComplaintAction")
COMPLAINT_CHANNEL_LABEL = Terms("ComplaintChannel")
COMPLAINT_CATEGORY_LABEL = Terms("ComplaintCategory")
COMPLAINT_KIND_LABEL = Terms("ComplaintKind")
SEVERITY_LABEL = Terms("ComplaintSeverity")
RESPONSIBLE_LABEL = Terms("ResponsibleParty")
REMEDY_LABEL = Terms("RemedyKind")
RECEIVABLE_STATUS_LABEL = Terms("ReceivableStatus")
PAYMENT_METHOD_LABEL = Terms("PaymentMethod")
WRITE_OFF_STATUS_LABEL = Terms("WriteOffStatus")
CLASSIFICATION_LABEL = Terms("Classification")
COLLECTION_STEP_LABEL = Terms("CollectionStep")
LEGAL_ACTION_LABEL = Terms("LegalAction")
AGING_GROUP_LABEL = Terms("AgingGroup")

# Which client list mirrors which schema enum (checked by tests/tui/test_vocabulary.py).
MIRRORS: dict[str, Mapping[str, object]] = {
    "Grade": dict(GRADE_DEAL_MONTHS),
    "Stage": STAGE_LABEL,
    "InteractionKind": KIND_LABEL,
    "SourceChannel": SOURCE_LABEL,
    "ContactRole": CONTACT_ROLE_LABEL,
    "Influence": INFLUENCE_LABEL,
    "Attitude": ATTITUDE_LABEL,
    "AllyStrength": ALLY_LABEL,
    "FollowUpOrigin": ORIGIN_LABEL,
    "Role": ROLE_LABEL,
    "AccessRequestStatus": REQUEST_STATUS_LABEL,
    "ComplaintStep": COMPLAINT_STEP_LABEL,
    "ComplaintAction": COMPLAINT_ACTION_LABEL,
    "ComplaintChannel": COMPLAINT_CHANNEL_LABEL,
    "ComplaintCategory": COMPLAINT_CATEGORY_LABEL,
    "ComplaintKind": COMPLAINT_KIND_LABEL,
    "ComplaintSeverity": SEVERITY_LABEL,
    "ResponsibleParty": RESPONSIBLE_LABEL,
    "RemedyKind": REMEDY_LABEL,
    "ReceivableStatus": RECEIVABLE_STATUS_LABEL,
    "PaymentMethod": PAYMENT_METHOD_LABEL,
    "WriteOffStatus": WRITE_OFF_STATUS_LABEL,
    "Classification": CLASSIFICATION_LABEL,
    "CollectionStep": COLLECTION_STEP_LABEL,
    "LegalAction": LEGAL_ACTION_LABEL,
    "AgingGroup": AGING_GROUP_LABEL,
}

# The userError codes the client acts on.
STALE_VERSION = "STALE_VERSION"
UNAUTHENTICATED = "UNAUTHENTICATED"
CODES_ACTED_ON = (STALE_VERSION, UNAUTHENTICATED)
