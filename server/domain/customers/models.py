"""The customer archive (docs/domain.md §1) and the people inside each customer (§2)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from server.domain.accounts.models import User
from server.domain.shared.timefields import UtcDatetimeField


class Stage(StrEnum):
    PROSPECT = "prospect"
    NEGOTIATING = "negotiating"
    WON = "won"
    DEAD = "dead"


STAGE_MEANING = {
    Stage.PROSPECT: "Potential customer (潜在客户).",
    Stage.NEGOTIATING: "In negotiation (正在谈判).",
    Stage.WON: "Deal closed; a customer (已成交).",
    Stage.DEAD: "No longer pursued (死亡客户).",
}


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"


# Grades by expected time to a deal (seed 002): months until the deal is expected, None for
# "potential need, more than 6 months" (D) and "no need" (E). The cadences that go with them
# are company settings (A 1, B 7, C 15, D 30, E 365 days by default).
DEAL_WITHIN_MONTHS: dict[Grade, int | None] = {
    Grade.A: 1,
    Grade.B: 3,
    Grade.C: 6,
    Grade.D: None,
    Grade.E: None,
}
GRADE_MEANING = {
    Grade.A: "Clear need, deal expected within 1 month: follow up daily.",
    Grade.B: "Deal expected within 3 months: follow up weekly.",
    Grade.C: "Deal expected within 6 months: follow up every 15 days.",
    Grade.D: "Potential need or more than 6 months away: follow up monthly.",
    Grade.E: "No need or dead: follow up yearly.",
}


class AbcClass(StrEnum):
    """Importance class by cumulative sales (docs/domain.md §4); computed, never typed in."""

    A = "A"
    B = "B"
    C = "C"


ABC_CLASS_MEANING = {
    AbcClass.A: "The customers making the first 70% of sales (a company setting).",
    AbcClass.B: "The customers making the sales from 70% to 95%.",
    AbcClass.C: "The rest of the customers with sales in the period.",
}

# The queue sorts class A before B before C before unclassified; an integer column keeps
# that order the same on SQLite and PostgreSQL, which place NULLs differently.
CLASS_RANK = {AbcClass.A: 0, AbcClass.B: 1, AbcClass.C: 2, None: 3}


class SourceChannel(StrEnum):
    INTERNET = "internet"
    ACQUAINTANCE = "acquaintance"
    PHONE_DIRECTORY = "phone_directory"
    RELATED_COMPANY = "related_company"
    INBOUND_ENQUIRY = "inbound_enquiry"
    OTHER = "other"


SOURCE_CHANNEL_MEANING = {
    SourceChannel.INTERNET: "Found on the internet.",
    SourceChannel.ACQUAINTANCE: "Introduced by an acquaintance (熟人介绍); see referredBy.",
    SourceChannel.PHONE_DIRECTORY: "From a phone or trade directory.",
    SourceChannel.RELATED_COMPANY: "Introduced by a related company; see referredBy.",
    SourceChannel.INBOUND_ENQUIRY: "The customer contacted us.",
    SourceChannel.OTHER: "Any other channel.",
}


class ContactRole(StrEnum):
    BOSS = "boss"
    PURCHASING_HEAD = "purchasing_head"
    FINANCE_HEAD = "finance_head"
    SALES_HEAD = "sales_head"
    PRODUCTION_HEAD = "production_head"
    TECHNICAL = "technical"
    QUALITY = "quality"
    OTHER = "other"


CONTACT_ROLE_MEANING = {
    ContactRole.BOSS: "Owner or general manager (老板).",
    ContactRole.PURCHASING_HEAD: "Head of purchasing.",
    ContactRole.FINANCE_HEAD: "Head of finance.",
    ContactRole.SALES_HEAD: "Head of sales.",
    ContactRole.PRODUCTION_HEAD: "Head of production.",
    ContactRole.TECHNICAL: "Technical staff.",
    ContactRole.QUALITY: "Quality staff.",
    ContactRole.OTHER: "Any other role.",
}


class Influence(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


INFLUENCE_MEANING = {
    Influence.LOW: "Little say.",
    Influence.MEDIUM: "Heard, not decisive.",
    Influence.HIGH: "Shapes the decision.",
}


class Attitude(StrEnum):
    SUPPORTER = "supporter"
    NEUTRAL = "neutral"
    OPPONENT = "opponent"


ATTITUDE_MEANING = {
    Attitude.SUPPORTER: "Favours us.",
    Attitude.NEUTRAL: "Neither for nor against.",
    Attitude.OPPONENT: "Favours a competitor or resists us.",
}


class AllyStrength(StrEnum):
    NONE = "none"
    WEAK = "weak"
    MODERATE = "moderate"
    STRONG = "strong"


ALLY_STRENGTH_MEANING = {
    AllyStrength.NONE: "Not an ally.",
    AllyStrength.WEAK: "Helps a little when asked.",
    AllyStrength.MODERATE: "Helps reliably.",
    AllyStrength.STRONG: "Works for us inside the customer.",
}


class Customer(Model):
    id = fields.IntField(primary_key=True)
    version = fields.IntField(default=1)
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="customers", on_delete=fields.RESTRICT, db_index=True
    )
    # Basic facts (基础资料)
    name = fields.CharField(max_length=200, db_index=True)
    # Lower-cased name, full pinyin and pinyin initials, so one LIKE finds
    # "杭州机械厂" from "机械", "hangzhou" or "hzjx".
    search_text = fields.TextField()
    address = fields.CharField(max_length=500, default="")
    phone = fields.CharField(max_length=40, default="")
    email = fields.CharField(max_length=254, default="")
    legal_representative = fields.CharField(max_length=100, default="")
    organization_form = fields.CharField(max_length=100, default="")
    industry = fields.CharField(max_length=100, default="")
    assets_minor = fields.BigIntField(null=True)
    relationship_since = fields.DateField(null=True)
    # The company's own customer number (客户编号), optional; what order files and ERPs use.
    code = fields.CharField(max_length=50, null=True, unique=True)
    region = fields.CharField(max_length=100, default="", db_index=True)
    route = fields.CharField(max_length=100, default="")
    route_position = fields.IntField(null=True)
    # WGS-84 degrees, for ordering a day's visits by nearest neighbour (路序).
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    # Characteristics (特征资料)
    service_area = fields.CharField(max_length=500, default="")
    sales_capacity = fields.CharField(max_length=500, default="")
    development_potential = fields.CharField(max_length=500, default="")
    business_philosophy = fields.TextField(default="")
    scale = fields.CharField(max_length=200, default="")
    distinctive_features = fields.TextField(default="")
    factory = fields.CharField(max_length=500, default="")
    equipment = fields.CharField(max_length=500, default="")
    output = fields.CharField(max_length=500, default="")
    quality_requirements = fields.CharField(max_length=500, default="")
    product_structure = fields.CharField(max_length=500, default="")
    our_share_percent = fields.IntField(null=True)
    # Credit (信用状况)
    registered_capital_minor = fields.BigIntField(null=True)
    years_in_business = fields.IntField(null=True)
    credit_limit_minor = fields.BigIntField(null=True)
    billing_day = fields.IntField(null=True)
    # Days of credit (0: payment before or on delivery); with the billing day they give a
    # debt's due date (receivables/terms.py). None: the company's default.
    payment_days = fields.IntField(null=True)
    # The terms as once written in words, before they were a number (kept, not used).
    payment_terms = fields.CharField(max_length=100, default="")
    # Transaction status (交易现状)
    current_sales_activity = fields.TextField(default="")
    open_problems = fields.TextField(default="")
    # Source channel (收集渠道)
    source_channel = fields.CharEnumField(SourceChannel, max_length=20, default=SourceChannel.OTHER)
    referred_by = fields.CharField(max_length=200, default="")
    # Pipeline
    stage = fields.CharEnumField(Stage, max_length=12, default=Stage.PROSPECT, db_index=True)
    grade = fields.CharEnumField(Grade, max_length=1, default=Grade.D, db_index=True)
    is_key_account = fields.BooleanField(default=False)
    # The latest logged contact, kept on the row so the queue and the neglect check read it
    # without searching the interaction log per customer. Written by interactionLog only.
    last_contact_at = UtcDatetimeField(null=True)
    last_contact_kind = fields.CharField(max_length=20, default="")
    last_contact_summary = fields.CharField(max_length=200, default="")
    # Computed from sales orders (docs/domain.md §4) by the class run and the VIP rule.
    abc_class = fields.CharEnumField(AbcClass, max_length=1, null=True)
    class_rank = fields.SmallIntField(default=3)
    is_vip = fields.BooleanField(default=False)
    vip_reason = fields.CharField(max_length=300, default="")
    vip_since = fields.DateField(null=True)
    archived_at = UtcDatetimeField(null=True)
    created_at = UtcDatetimeField(auto_now_add=True)
    updated_at = UtcDatetimeField(auto_now=True, db_index=True)

    owner_id: int

    class Meta:
        table = "customer"
        # The first covers the visibility scope plus search: counting a manager's matches
        # reads only this index, never the wide customer rows. The second does the same for
        # the queue: its neglect check (grade, last contact, creation of an owner's active
        # customers) and the ids its counts join on; the id is listed for PostgreSQL, whose
        # indexes, unlike SQLite's, do not carry the row id.
        indexes = (
            ("owner_id", "archived_at", "search_text"),
            ("owner_id", "archived_at", "grade", "last_contact_at", "created_at", "id"),
        )


class CustomerTag(Model):
    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm.Customer", related_name="tag_rows", on_delete=fields.CASCADE
    )
    tag = fields.CharField(max_length=50, db_index=True)

    customer_id: int

    class Meta:
        table = "customer_tag"
        unique_together = (("customer", "tag"),)


class Contact(Model):
    id = fields.IntField(primary_key=True)
    version = fields.IntField(default=1)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm.Customer", related_name="contacts", on_delete=fields.CASCADE, db_index=True
    )
    name = fields.CharField(max_length=100)
    role = fields.CharEnumField(ContactRole, max_length=20, default=ContactRole.OTHER)
    title = fields.CharField(max_length=100, default="")
    phone = fields.CharField(max_length=40, default="")
    email = fields.CharField(max_length=254, default="")
    address = fields.CharField(max_length=500, default="")
    birthday = fields.DateField(null=True)
    hobbies = fields.TextField(default="")
    personality = fields.TextField(default="")
    family_notes = fields.TextField(default="")
    introduced_by = fields.CharField(max_length=200, default="")
    is_decision_maker = fields.BooleanField(default=False)
    influence = fields.CharEnumField(Influence, max_length=8, default=Influence.MEDIUM)
    attitude = fields.CharEnumField(Attitude, max_length=10, default=Attitude.NEUTRAL)
    ally_strength = fields.CharEnumField(AllyStrength, max_length=10, default=AllyStrength.NONE)
    created_at = UtcDatetimeField(auto_now_add=True)
    updated_at = UtcDatetimeField(auto_now=True)

    customer_id: int

    class Meta:
        table = "contact"
