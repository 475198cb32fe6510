"""Complaints (客户投诉, docs/domain.md §5, seed 001 §10.2): the record and where it stands in the
eight steps. The steps' mechanics are the workflow area's; the table is steps.py."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from server.domain.accounts.models import Department, User
from server.domain.customers.models import Contact, Customer
from server.domain.sales.models import SalesOrder, SalesOrderLine
from server.domain.shared.timefields import UtcDatetimeField


class ComplaintStep(StrEnum):
    """The step a complaint waits in: the work to be done next (1 record is its creation)."""

    VALIDATE = "validate"
    ASSIGN = "assign"
    ANALYSE = "analyse"
    PROPOSE = "propose"
    APPROVE = "approve"
    IMPLEMENT = "implement"
    EVALUATE = "evaluate"
    CLOSED = "closed"
    REJECTED = "rejected"


STEP_MEANING = {
    ComplaintStep.VALIDATE: "Recorded; to be judged justified or not (判定是否成立).",
    ComplaintStep.ASSIGN: "Justified; a responsible department and person to be named.",
    ComplaintStep.ANALYSE: "Assigned; the root cause and who is responsible to be found.",
    ComplaintStep.PROPOSE: "Analysed; a remedy to be proposed (提出处理意见).",
    ComplaintStep.APPROVE: "A remedy proposed; a supervisor to approve it or send it back.",
    ComplaintStep.IMPLEMENT: "Approved; the remedy to be carried out and the customer told.",
    ComplaintStep.EVALUATE: "Implemented; lessons and corrective action to be recorded.",
    ComplaintStep.CLOSED: "Evaluated and closed (总结评价).",
    ComplaintStep.REJECTED: "Judged unjustified; the customer had a courteous reply.",
}

OPEN_STEPS = frozenset(set(ComplaintStep) - {ComplaintStep.CLOSED, ComplaintStep.REJECTED})


class ComplaintAction(StrEnum):
    """What a person does to a complaint: each is a transition of steps.py and a mutation."""

    RECORD = "record"
    VALIDATE = "validate"
    REJECT = "reject"
    ASSIGN = "assign"
    ANALYSE = "analyse"
    PROPOSE = "propose"
    APPROVE = "approve"
    SEND_BACK = "send_back"
    IMPLEMENT = "implement"
    EVALUATE = "evaluate"
    REOPEN = "reopen"


ACTION_MEANING = {
    ComplaintAction.RECORD: "Record the complaint (记录投诉内容).",
    ComplaintAction.VALIDATE: "Judge it justified (投诉成立).",
    ComplaintAction.REJECT: "Judge it unjustified, with the reason and the reply sent.",
    ComplaintAction.ASSIGN: "Name the responsible department and person (确定责任部门).",
    ComplaintAction.ANALYSE: "Record the root cause and who is responsible (分析原因).",
    ComplaintAction.PROPOSE: "Propose a remedy (提出处理意见).",
    ComplaintAction.APPROVE: "Approve the proposed remedy (主管领导批示).",
    ComplaintAction.SEND_BACK: "Send the proposal back with a note.",
    ComplaintAction.IMPLEMENT: "Record what was done and the customer's feedback (实施处理方案).",
    ComplaintAction.EVALUATE: "Record lessons and corrective action, and close (总结评价).",
    ComplaintAction.REOPEN: "Reopen a closed or rejected complaint, with a reason.",
}


class ComplaintChannel(StrEnum):
    PHONE = "phone"
    ON_SITE = "on_site"
    LETTER = "letter"
    EMAIL = "email"
    OTHER = "other"


CHANNEL_MEANING = {
    ComplaintChannel.PHONE: "By phone.",
    ComplaintChannel.ON_SITE: "In person, on site.",
    ComplaintChannel.LETTER: "By letter or fax.",
    ComplaintChannel.EMAIL: "By email.",
    ComplaintChannel.OTHER: "Another way.",
}


class ComplaintCategory(StrEnum):
    PRODUCT_QUALITY = "product_quality"
    SALES_CONTRACT = "sales_contract"
    SERVICE = "service"


CATEGORY_MEANING = {
    ComplaintCategory.PRODUCT_QUALITY: "Product quality (产品质量).",
    ComplaintCategory.SALES_CONTRACT: "The sales contract (购销合同): quantity, grade, delivery…",
    ComplaintCategory.SERVICE: "Our staff's service (服务).",
}


class ComplaintKind(StrEnum):
    """What exactly is wrong, within a category (seed 001 §10.2.3)."""

    SPEC_MISMATCH = "spec_mismatch"
    OUT_OF_TOLERANCE = "out_of_tolerance"
    MALFUNCTION = "malfunction"
    QUALITY_OTHER = "quality_other"
    QUANTITY = "quantity"
    GRADE = "grade"
    SPECIFICATION = "specification"
    DELIVERY_TIME = "delivery_time"
    DELIVERY_PLACE = "delivery_place"
    SETTLEMENT = "settlement"
    TRANSIT_DAMAGE = "transit_damage"
    PACKING = "packing"
    ATTITUDE = "attitude"
    SERVICE_QUALITY = "service_quality"
    MANNER = "manner"


KIND_CATEGORY = {
    ComplaintKind.SPEC_MISMATCH: ComplaintCategory.PRODUCT_QUALITY,
    ComplaintKind.OUT_OF_TOLERANCE: ComplaintCategory.PRODUCT_QUALITY,
    ComplaintKind.MALFUNCTION: ComplaintCategory.PRODUCT_QUALITY,
    ComplaintKind.QUALITY_OTHER: ComplaintCategory.PRODUCT_QUALITY,
    ComplaintKind.QUANTITY: ComplaintCategory.SALES_CONTRACT,
    ComplaintKind.GRADE: ComplaintCategory.SALES_CONTRACT,
    ComplaintKind.SPECIFICATION: ComplaintCategory.SALES_CONTRACT,
    ComplaintKind.DELIVERY_TIME: ComplaintCategory.SALES_CONTRACT,
    ComplaintKind.DELIVERY_PLACE: ComplaintCategory.SALES_CONTRACT,
    ComplaintKind.SETTLEMENT: ComplaintCategory.SALES_CONTRACT,
    ComplaintKind.TRANSIT_DAMAGE: ComplaintCategory.SALES_CONTRACT,
    ComplaintKind.PACKING: ComplaintCategory.SALES_CONTRACT,
    ComplaintKind.ATTITUDE: ComplaintCategory.SERVICE,
    ComplaintKind.SERVICE_QUALITY: ComplaintCategory.SERVICE,
    ComplaintKind.MANNER: ComplaintCategory.SERVICE,
}

KIND_MEANING = {
    ComplaintKind.SPEC_MISMATCH: "Not to specification (规格不符).",
    ComplaintKind.OUT_OF_TOLERANCE: "Out of tolerance (超差).",
    ComplaintKind.MALFUNCTION: "Does not work (故障).",
    ComplaintKind.QUALITY_OTHER: "Another quality problem.",
    ComplaintKind.QUANTITY: "Wrong quantity delivered.",
    ComplaintKind.GRADE: "Wrong grade delivered.",
    ComplaintKind.SPECIFICATION: "Wrong specification delivered.",
    ComplaintKind.DELIVERY_TIME: "Delivered late or at the wrong time.",
    ComplaintKind.DELIVERY_PLACE: "Delivered to the wrong place.",
    ComplaintKind.SETTLEMENT: "Settlement or invoicing.",
    ComplaintKind.TRANSIT_DAMAGE: "Lost or damaged in transit.",
    ComplaintKind.PACKING: "Packing.",
    ComplaintKind.ATTITUDE: "Our staff's attitude.",
    ComplaintKind.SERVICE_QUALITY: "The quality of our service.",
    ComplaintKind.MANNER: "Our staff's manner.",
}


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


SEVERITY_MEANING = {
    Severity.LOW: "An annoyance.",
    Severity.MEDIUM: "Costs the customer time or money.",
    Severity.HIGH: "Stops the customer's work or puts the account at risk.",
    Severity.CRITICAL: "Safety, legal, or the whole account at stake.",
}


class ResponsibleParty(StrEnum):
    OUR_PRODUCT = "our_product"
    OUR_LOGISTICS = "our_logistics"
    OUR_STAFF = "our_staff"
    CUSTOMER = "customer"
    THIRD_PARTY = "third_party"


RESPONSIBLE_MEANING = {
    ResponsibleParty.OUR_PRODUCT: "Our product.",
    ResponsibleParty.OUR_LOGISTICS: "Our logistics.",
    ResponsibleParty.OUR_STAFF: "Our staff.",
    ResponsibleParty.CUSTOMER: "The customer.",
    ResponsibleParty.THIRD_PARTY: "A third party (a carrier, a supplier).",
}


class RemedyKind(StrEnum):
    RETURN = "return"
    EXCHANGE = "exchange"
    REPAIR = "repair"
    DISCOUNT = "discount"
    COMPENSATION = "compensation"
    OTHER = "other"


REMEDY_MEANING = {
    RemedyKind.RETURN: "Take the goods back (退货).",
    RemedyKind.EXCHANGE: "Exchange them (换货).",
    RemedyKind.REPAIR: "Repair them (维修).",
    RemedyKind.DISCOUNT: "A discount (折价).",
    RemedyKind.COMPENSATION: "Compensation (赔偿).",
    RemedyKind.OTHER: "Something else.",
}


class Complaint(Model):
    id = fields.IntField(primary_key=True)
    version = fields.IntField(default=1)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm.Customer", related_name="complaints", on_delete=fields.RESTRICT
    )
    # Step 1, the record (记录投诉内容).
    contact: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "crm.Contact", related_name="complaints", null=True, on_delete=fields.SET_NULL
    )
    channel = fields.CharEnumField(ComplaintChannel, max_length=16)
    received_at = UtcDatetimeField()
    category = fields.CharEnumField(ComplaintCategory, max_length=20)
    kind = fields.CharEnumField(ComplaintKind, max_length=24)
    subject = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    demand = fields.TextField(default="")
    sales_order: fields.ForeignKeyNullableRelation[SalesOrder] = fields.ForeignKeyField(
        "crm.SalesOrder", related_name="complaints", null=True, on_delete=fields.RESTRICT
    )
    amount_minor = fields.BigIntField(null=True)
    severity = fields.CharEnumField(Severity, max_length=10, default=Severity.MEDIUM)
    recorded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="recorded_complaints", null=True, on_delete=fields.RESTRICT
    )
    # Where it stands (the workflow's columns).
    step = fields.CharEnumField(ComplaintStep, max_length=12, default=ComplaintStep.VALIDATE)
    step_entered_at = UtcDatetimeField()
    step_due_at = UtcDatetimeField(null=True)
    # Step 2, validate: a rejection's reason and the courteous reply sent.
    rejection_reason = fields.TextField(default="")
    reply = fields.TextField(default="")
    # Step 3, assign.
    department: fields.ForeignKeyNullableRelation[Department] = fields.ForeignKeyField(
        "crm.Department", related_name="complaints", null=True, on_delete=fields.RESTRICT
    )
    assignee: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="assigned_complaints", null=True, on_delete=fields.RESTRICT
    )
    # Step 4, analyse.
    root_cause = fields.TextField(default="")
    responsible_party = fields.CharEnumField(ResponsibleParty, max_length=16, null=True)
    # Step 5, propose.
    remedy_kind = fields.CharEnumField(RemedyKind, max_length=16, null=True)
    remedy_amount_minor = fields.BigIntField(null=True)
    remedy_description = fields.TextField(default="")
    proposed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="proposed_remedies", null=True, on_delete=fields.RESTRICT
    )
    # Step 6, approve.
    approved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="approved_remedies", null=True, on_delete=fields.RESTRICT
    )
    # Step 7, implement.
    implementation = fields.TextField(default="")
    customer_notified_at = UtcDatetimeField(null=True)
    customer_feedback = fields.TextField(default="")
    implemented_at = UtcDatetimeField(null=True)
    # Step 8, evaluate: lessons learned and the corrective action (the lessons register).
    lessons = fields.TextField(default="")
    corrective_action = fields.TextField(default="")
    corrective_owner: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="corrective_actions", null=True, on_delete=fields.RESTRICT
    )
    corrective_due_on = fields.DateField(null=True)
    corrective_done_on = fields.DateField(null=True)
    satisfaction = fields.SmallIntField(null=True)
    closed_at = UtcDatetimeField(null=True)
    reopen_reason = fields.TextField(default="")
    created_at = UtcDatetimeField(auto_now_add=True)
    updated_at = UtcDatetimeField(auto_now=True)

    customer_id: int
    contact_id: int | None
    sales_order_id: int | None
    recorded_by_id: int | None
    department_id: int | None
    assignee_id: int | None
    proposed_by_id: int | None
    approved_by_id: int | None
    corrective_owner_id: int | None

    class Meta:
        table = "complaint"
        indexes = (
            ("customer_id", "received_at"),
            ("step", "step_due_at"),
            ("assignee_id", "step"),
            ("department_id", "step"),
            # The board's counts read only this index: the open steps' rows with what the
            # visibility rule and the overdue test look at (measured: 33 → 11 ms for a
            # manager's board over 100,000 complaints, bench/complaint_board.py).
            ("step", "customer_id", "assignee_id", "department_id", "step_due_at"),
        )


class ComplaintLine(Model):
    """An order line the complaint concerns (optional, a line of its sales order)."""

    id = fields.IntField(primary_key=True)
    complaint: fields.ForeignKeyRelation[Complaint] = fields.ForeignKeyField(
        "crm.Complaint", related_name="lines", on_delete=fields.CASCADE
    )
    order_line: fields.ForeignKeyRelation[SalesOrderLine] = fields.ForeignKeyField(
        "crm.SalesOrderLine", related_name="complaint_lines", on_delete=fields.RESTRICT
    )

    complaint_id: int
    order_line_id: int

    class Meta:
        table = "complaint_line"
        unique_together = (("complaint_id", "order_line_id"),)


class EvidenceType(StrEnum):
    """The kinds of file accepted as evidence, told by their content."""

    JPEG = "image/jpeg"
    PNG = "image/png"
    WEBP = "image/webp"
    PDF = "application/pdf"


class ComplaintEvidence(Model):
    """A photo or document attached to a complaint (the texts ask for photos of the
    damage). The bytes are kept by their SHA-256 in the blob store; this row names them."""

    id = fields.IntField(primary_key=True)
    complaint: fields.ForeignKeyRelation[Complaint] = fields.ForeignKeyField(
        "crm.Complaint", related_name="evidence", on_delete=fields.CASCADE
    )
    sha256 = fields.CharField(max_length=64)
    filename = fields.CharField(max_length=200)
    content_type = fields.CharEnumField(EvidenceType, max_length=32)
    size = fields.BigIntField()
    description = fields.CharField(max_length=500, default="")
    uploaded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="uploaded_evidence", null=True, on_delete=fields.RESTRICT
    )
    uploaded_at = UtcDatetimeField(auto_now_add=True)

    complaint_id: int
    uploaded_by_id: int | None

    class Meta:
        table = "complaint_evidence"
        indexes = (("complaint_id", "id"),)
