"""GraphQL enums of the customer area, each value described for integrators."""

from __future__ import annotations

from enum import Enum

import strawberry

ev = strawberry.enum_value


@strawberry.enum(description="Where the customer is in the sales pipeline.")
class Stage(Enum):
    PROSPECT = ev("prospect", description="Potential customer (潜在客户).")
    NEGOTIATING = ev("negotiating", description="In negotiation (正在谈判).")
    WON = ev("won", description="Deal closed; a customer (已成交).")
    DEAD = ev("dead", description="No longer pursued (死亡客户).")


@strawberry.enum(
    description="Grade by expected time to a deal; it sets the follow-up cadence (DOMAIN.md §3)."
)
class Grade(Enum):
    A = ev("A", description="Clear need, deal expected within 1 month: follow up daily.")
    B = ev("B", description="Deal expected within 3 months: follow up weekly.")
    C = ev("C", description="Deal expected within 6 months: follow up every 15 days.")
    D = ev("D", description="Potential need or more than 6 months away: follow up monthly.")
    E = ev("E", description="No need or dead: follow up yearly.")


@strawberry.enum(description="How we first learned of the customer (收集渠道).")
class SourceChannel(Enum):
    INTERNET = ev("internet", description="Found on the internet.")
    ACQUAINTANCE = ev(
        "acquaintance", description="Introduced by an acquaintance (熟人介绍); see referredBy."
    )
    PHONE_DIRECTORY = ev("phone_directory", description="From a phone or trade directory.")
    RELATED_COMPANY = ev(
        "related_company", description="Introduced by a related company; see referredBy."
    )
    INBOUND_ENQUIRY = ev("inbound_enquiry", description="The customer contacted us.")
    OTHER = ev("other", description="Any other channel.")


@strawberry.enum(description="A contact's function inside the customer company.")
class ContactRole(Enum):
    BOSS = ev("boss", description="Owner or general manager (老板).")
    PURCHASING_HEAD = ev("purchasing_head", description="Head of purchasing.")
    FINANCE_HEAD = ev("finance_head", description="Head of finance.")
    SALES_HEAD = ev("sales_head", description="Head of sales.")
    PRODUCTION_HEAD = ev("production_head", description="Head of production.")
    TECHNICAL = ev("technical", description="Technical staff.")
    QUALITY = ev("quality", description="Quality staff.")
    OTHER = ev("other", description="Any other role.")


@strawberry.enum(description="How much a contact's word weighs in the customer's decisions.")
class Influence(Enum):
    LOW = ev("low", description="Little say.")
    MEDIUM = ev("medium", description="Heard, not decisive.")
    HIGH = ev("high", description="Shapes the decision.")


@strawberry.enum(description="A contact's attitude toward us.")
class Attitude(Enum):
    SUPPORTER = ev("supporter", description="Favours us.")
    NEUTRAL = ev("neutral", description="Neither for nor against.")
    OPPONENT = ev("opponent", description="Favours a competitor or resists us.")


@strawberry.enum(
    description="Whether and how strongly a contact is our insider ally (内线/同盟军)."
)
class AllyStrength(Enum):
    NONE = ev("none", description="Not an ally.")
    WEAK = ev("weak", description="Helps a little when asked.")
    MODERATE = ev("moderate", description="Helps reliably.")
    STRONG = ev("strong", description="Works for us inside the customer.")


@strawberry.enum(description="What a customer list can be sorted on.")
class CustomerSortField(Enum):
    NAME = ev("name", description="Customer name.")
    GRADE = ev("grade", description="Grade A to E.")
    UPDATED_AT = ev("updated_at", description="Time of the last change.")


@strawberry.enum(description="Sort direction.")
class SortDirection(Enum):
    ASC = ev("asc", description="Smallest first.")
    DESC = ev("desc", description="Largest first.")


@strawberry.enum(description="Importance class by cumulative sales (DOMAIN.md §4).")
class AbcClass(Enum):
    A = ev("A", description="The customers making the first 70% of sales (a company setting).")
    B = ev("B", description="The customers making the sales from 70% to 95%.")
    C = ev("C", description="The rest of the customers with sales in the period.")
