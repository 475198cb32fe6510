"""Contacts with customers, the follow-ups they schedule, and contact plans (docs/domain.md §3)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from server.domain.accounts.models import User
from server.domain.customers.models import Contact, Customer, Grade
from server.domain.shared.errors import N_
from server.domain.shared.timefields import UtcDatetimeField
from server.domain.workflow.lifecycle import Lifecycle


class InteractionKind(StrEnum):
    VISIT = "visit"
    HOME_VISIT = "home_visit"
    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    MEETING = "meeting"
    LEADERSHIP_VISIT = "leadership_visit"
    TECHNICAL_VISIT = "technical_visit"
    INQUIRY_LETTER = "inquiry_letter"


KIND_MEANING = {
    InteractionKind.VISIT: "A visit at the customer's premises (拜访).",
    InteractionKind.HOME_VISIT: "A visit at a contact's home (家访).",
    InteractionKind.PHONE: "A phone call.",
    InteractionKind.EMAIL: "An email.",
    InteractionKind.LETTER: "A letter or fax.",
    InteractionKind.MEETING: "A meeting, at our place or elsewhere.",
    InteractionKind.LEADERSHIP_VISIT: "A visit led by our company's leadership.",
    InteractionKind.TECHNICAL_VISIT: "A visit by our technical staff.",
    InteractionKind.INQUIRY_LETTER: "A letter asking the customer's opinion (征询意见函).",
}

# Kinds that need someone on the road: these make up a visit plan (路序).
VISIT_KINDS = frozenset(
    {
        InteractionKind.VISIT,
        InteractionKind.HOME_VISIT,
        InteractionKind.LEADERSHIP_VISIT,
        InteractionKind.TECHNICAL_VISIT,
    }
)


class FollowUpOrigin(StrEnum):
    CADENCE = "cadence"
    MANUAL = "manual"
    LEADERSHIP_VISIT = "leadership_visit"
    CLASS_VISIT = "class_visit"
    INQUIRY_LETTER = "inquiry_letter"
    COMPLAINT = "complaint"
    PAYMENT_REMINDER = "payment_reminder"
    COLLECTION = "collection"


ORIGIN_MEANING = {
    FollowUpOrigin.CADENCE: "Scheduled from the grade's cadence or the contact plan.",
    FollowUpOrigin.MANUAL: "Planned by hand.",
    FollowUpOrigin.LEADERSHIP_VISIT: "Class A service: a leadership visit every six months "
    "(a company setting).",
    FollowUpOrigin.CLASS_VISIT: "Class B service: a visit once a year (a company setting).",
    FollowUpOrigin.INQUIRY_LETTER: "Class B service: an inquiry letter every six months "
    "(a company setting).",
    FollowUpOrigin.COMPLAINT: "The call after a complaint was closed (seed 001: call back "
    "after resolving), due a company setting's number of days after implementation.",
    FollowUpOrigin.PAYMENT_REMINDER: "Remind the customer of a debt's date and amount before it "
    "falls due (docs/domain.md §6), a company setting's number of days before.",
    FollowUpOrigin.COLLECTION: "The next action on an overdue customer's collection case.",
}

# Origins that recur on a schedule: a customer has at most one open follow-up of each.
RECURRING_ORIGINS = frozenset(
    {
        FollowUpOrigin.CADENCE,
        FollowUpOrigin.LEADERSHIP_VISIT,
        FollowUpOrigin.CLASS_VISIT,
        FollowUpOrigin.INQUIRY_LETTER,
    }
)


class FollowUpStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    SKIPPED = "skipped"


STATUS_MEANING = {
    FollowUpStatus.OPEN: "Still to do.",
    FollowUpStatus.DONE: "Answered by a logged contact.",
    FollowUpStatus.SKIPPED: "Not done, with a reason.",
}


# How a follow-up's state reads inside a message (translated with it).
STATUS_WORDS = {
    FollowUpStatus.OPEN: N_("open"),
    FollowUpStatus.DONE: N_("done"),
    FollowUpStatus.SKIPPED: N_("skipped"),
}
_OPEN = frozenset({FollowUpStatus.OPEN})
# Only an open follow-up is changed, moved, skipped or answered by a contact; done and
# skipped ones are history.
LIFECYCLE = Lifecycle(
    actions={
        "update": (_OPEN, FollowUpStatus.OPEN),
        "reschedule": (_OPEN, FollowUpStatus.OPEN),
        "skip": (_OPEN, FollowUpStatus.SKIPPED),
        "answer": (_OPEN, FollowUpStatus.DONE),
    },
    refusal=N_("This follow-up is already {status}."),
    words=STATUS_WORDS,
)


class Interaction(Model):
    """One logged contact (每一次追踪情况都要详细记录在案). Never edited after the fact."""

    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm.Customer", related_name="interactions", on_delete=fields.RESTRICT
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="logged_interactions", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(InteractionKind, max_length=20)
    occurred_at = UtcDatetimeField()
    summary = fields.CharField(max_length=200, default="")
    needs = fields.TextField(default="")
    problems = fields.TextField(default="")
    outcome = fields.TextField(default="")
    next_step = fields.TextField(default="")
    satisfaction = fields.SmallIntField(null=True)
    grade_before = fields.CharEnumField(Grade, max_length=1)
    grade_after = fields.CharEnumField(Grade, max_length=1)
    # A client-chosen key: a retried request with the same key records nothing new.
    idempotency_key = fields.CharField(max_length=100, null=True)
    # The follow-up this contact scheduled, so a replayed request answers as the first did.
    # A plain id: a foreign key here would make the two tables depend on each other.
    next_follow_up_id = fields.IntField(null=True)
    created_at = UtcDatetimeField(auto_now_add=True)

    customer_id: int
    author_id: int

    class Meta:
        table = "interaction"
        unique_together = (("author_id", "idempotency_key"),)
        # (kind, customer, time): the last contact of some kinds per customer, read by the
        # class-based service without touching the other kinds' rows.
        indexes = (
            ("customer_id", "occurred_at"),
            ("author_id", "occurred_at"),
            ("kind", "customer_id", "occurred_at"),
        )


class InteractionParticipant(Model):
    """Someone from our side who took part."""

    id = fields.IntField(primary_key=True)
    interaction: fields.ForeignKeyRelation[Interaction] = fields.ForeignKeyField(
        "crm.Interaction", related_name="participants", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="interaction_participations", on_delete=fields.RESTRICT
    )

    interaction_id: int
    user_id: int

    class Meta:
        table = "interaction_participant"
        unique_together = (("interaction_id", "user_id"),)


class InteractionContact(Model):
    """One of the customer's people present. The name is kept so history survives the
    contact's later removal from the archive."""

    id = fields.IntField(primary_key=True)
    interaction: fields.ForeignKeyRelation[Interaction] = fields.ForeignKeyField(
        "crm.Interaction", related_name="contacts_present", on_delete=fields.CASCADE
    )
    contact: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "crm.Contact", related_name="interaction_contact_rows", null=True, on_delete=fields.SET_NULL
    )
    name = fields.CharField(max_length=100)

    interaction_id: int
    contact_id: int | None

    class Meta:
        table = "interaction_contact"


class FollowUp(Model):
    """A planned contact: the unit of the salesperson's queue."""

    id = fields.IntField(primary_key=True)
    version = fields.IntField(default=1)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm.Customer", related_name="follow_ups", on_delete=fields.RESTRICT
    )
    assignee: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="follow_ups", on_delete=fields.RESTRICT
    )
    due_on = fields.DateField()
    kind = fields.CharEnumField(InteractionKind, max_length=20)
    purpose = fields.TextField(default="")
    expected_products = fields.CharField(max_length=500, default="")
    expected_quantity = fields.IntField(null=True)
    expected_amount_minor = fields.BigIntField(null=True)
    preparation_notes = fields.TextField(default="")
    origin = fields.CharEnumField(FollowUpOrigin, max_length=20)
    status = fields.CharEnumField(FollowUpStatus, max_length=8, default=FollowUpStatus.OPEN)
    # "<customer id>:<origin>" while a recurring follow-up is open, NULL otherwise. The unique
    # index makes a second open cadence follow-up impossible, even for two concurrent logs.
    open_slot = fields.CharField(max_length=40, null=True, unique=True)
    completed_at = UtcDatetimeField(null=True)
    completed_late = fields.BooleanField(null=True)
    interaction: fields.ForeignKeyNullableRelation[Interaction] = fields.ForeignKeyField(
        "crm.Interaction", related_name="answered", null=True, on_delete=fields.SET_NULL
    )
    skip_reason = fields.TextField(default="")
    reschedule_count = fields.IntField(default=0)
    reschedule_reason = fields.TextField(default="")
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="created_follow_ups", null=True, on_delete=fields.RESTRICT
    )
    created_at = UtcDatetimeField(auto_now_add=True)
    updated_at = UtcDatetimeField(auto_now=True)

    customer_id: int
    assignee_id: int
    interaction_id: int | None
    created_by_id: int | None

    class Meta:
        table = "follow_up"
        # The queue: one assignee's open items by due date. The customer column makes it
        # covering for the section counts, which then never read the table's rows.
        indexes = (("assignee_id", "status", "due_on", "customer_id"), ("customer_id", "status"))


def open_slot(customer_id: int, origin: FollowUpOrigin) -> str | None:
    """The unique key that lets a customer hold one open follow-up per recurring origin; None for
    one-off origins."""
    return f"{customer_id}:{origin.value}" if origin in RECURRING_ORIGINS else None


class ContactPlan(Model):
    """How a customer is to be worked (联络计划): focus, expected order, own frequency."""

    id = fields.IntField(primary_key=True)
    version = fields.IntField(default=1)
    customer: fields.OneToOneRelation[Customer] = fields.OneToOneField(
        "crm.Customer", related_name="contact_plan", on_delete=fields.CASCADE
    )
    focus = fields.TextField(default="")
    expected_products = fields.CharField(max_length=500, default="")
    expected_quantity = fields.IntField(null=True)
    expected_amount_minor = fields.BigIntField(null=True)
    # Overrides the grade's cadence when set.
    frequency_days = fields.IntField(null=True)
    preferred_time = fields.CharField(max_length=100, default="")
    created_at = UtcDatetimeField(auto_now_add=True)
    updated_at = UtcDatetimeField(auto_now=True)

    customer_id: int

    class Meta:
        table = "contact_plan"
