"""The salesperson's day: the follow-up queue, the team view, logging a contact, moving or
skipping a follow-up, contact plans and the visit plan."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tui.api.complaints import COMPLAINT_CARD, ComplaintCard
from tui.api.customers import CustomerDetail, LastContact
from tui.api.errors import ApiError
from tui.api.records import Money, User
from tui.api.transport import Json, Transport
from tui.api.vocabulary import money
from tui.i18n import _

_QUEUE_ROW = """
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes {
    id version dueOn kind purpose preparationNotes origin
    expectedOrder { products quantity amount { amount currency } }
    customer {
      id name grade abcClass isVip isKeyAccount region cadenceDays
      lastContact { at kind summary }
      decisionMaker { name title phone }
      strongestAlly { name title phone }
    }
  }
"""

QUEUE = (
    """
query Queue($userId: ID, $day: Date, $filter: FollowUpQueueFilter, $first: Int) {
  followUpQueue(userId: $userId, day: $day, filter: $filter) {
    day
    user { id username displayName }
    neglectedCount
    overdue(first: $first) {"""
    + _QUEUE_ROW
    + """}
    dueToday(first: $first) {"""
    + _QUEUE_ROW
    + """}
    upcoming(first: $first) {"""
    + _QUEUE_ROW
    + """}
    overdueComplaints(first: 20) { totalCount nodes { """
    + COMPLAINT_CARD
    + """ } }
  }
}"""
)

TEAM = """
query Team($day: Date) {
  followUpTeam(day: $day) {
    user { id username displayName role }
    overdueCount dueTodayCount outOfCadenceCount
  }
}"""

CUSTOMER_CONTACTS = """
query CustomerContacts($id: ID!) {
  customer(id: $id) {
    id name grade cadenceDays viewerCanEdit
    contacts { id name title phone isDecisionMaker allyStrength attitude influence }
    contactPlan { frequencyDays }
  }
}"""

INTERACTION_LOG = """
mutation InteractionLog($input: InteractionLogInput!) {
  interactionLog(input: $input) {
    replayed
    interaction { id kind occurredAt }
    customer { id version }
    nextFollowUp { id dueOn kind }
    userErrors { field code message }
  }
}"""

FOLLOW_UP_RESCHEDULE = """
mutation FollowUpReschedule($input: FollowUpRescheduleInput!) {
  followUpReschedule(input: $input) {
    followUp { id version dueOn rescheduleCount }
    userErrors { field code message }
  }
}"""

FOLLOW_UP_SKIP = """
mutation FollowUpSkip($input: FollowUpSkipInput!) {
  followUpSkip(input: $input) {
    followUp { id status }
    nextFollowUp { id dueOn }
    userErrors { field code message }
  }
}"""

CONTACT_PLAN_SET = """
mutation ContactPlanSet($input: ContactPlanSetInput!) {
  contactPlanSet(input: $input) {
    contactPlan { version }
    userErrors { field code message }
  }
}"""

VISIT_PLAN = """
query VisitPlan($region: String!, $day: Date) {
  visitPlan(region: $region, day: $day) {
    day region method totalKm
    stops {
      position distanceKm
      customer { id name address route phone }
      followUps { id kind purpose dueOn }
    }
  }
}"""

OPERATIONS = {
    "QUEUE": QUEUE,
    "TEAM": TEAM,
    "CUSTOMER_CONTACTS": CUSTOMER_CONTACTS,
    "INTERACTION_LOG": INTERACTION_LOG,
    "FOLLOW_UP_RESCHEDULE": FOLLOW_UP_RESCHEDULE,
    "FOLLOW_UP_SKIP": FOLLOW_UP_SKIP,
    "CONTACT_PLAN_SET": CONTACT_PLAN_SET,
    "VISIT_PLAN": VISIT_PLAN,
}


@dataclass(frozen=True)
class Person:
    name: str
    title: str
    phone: str

    def line(self) -> str:
        return " ".join(p for p in (self.name, self.title, self.phone) if p)


def _person(d: Json | None) -> Person | None:
    return Person(d["name"], d.get("title", ""), d.get("phone", "")) if d else None


@dataclass(frozen=True)
class QueueRow:
    """One open follow-up with what a rep needs before calling (docs/domain.md §3)."""

    id: str
    version: int
    due_on: date
    kind: str
    purpose: str
    preparation_notes: str
    expected_products: str
    expected_quantity: int | None
    expected_amount: Money | None
    customer_id: str
    customer_name: str
    grade: str
    abc_class: str | None
    is_vip: bool
    is_key_account: bool
    region: str
    cadence_days: int
    last_contact: LastContact | None
    decision_maker: Person | None
    ally: Person | None

    @property
    def last_contact_at(self) -> datetime | None:
        return self.last_contact.at if self.last_contact else None

    @property
    def last_contact_kind(self) -> str | None:
        return self.last_contact.kind if self.last_contact else None

    @property
    def last_contact_summary(self) -> str:
        return self.last_contact.summary if self.last_contact else ""

    @classmethod
    def parse(cls, d: Json) -> QueueRow:
        c = d["customer"]
        order = d["expectedOrder"]
        return cls(
            id=d["id"],
            version=d["version"],
            due_on=date.fromisoformat(d["dueOn"]),
            kind=d["kind"],
            purpose=d["purpose"],
            preparation_notes=d["preparationNotes"],
            expected_products=order["products"],
            expected_quantity=order["quantity"],
            expected_amount=Money.parse(order["amount"]),
            customer_id=c["id"],
            customer_name=c["name"],
            grade=c["grade"],
            abc_class=c["abcClass"],
            is_vip=c["isVip"],
            is_key_account=c["isKeyAccount"],
            region=c["region"],
            cadence_days=c["cadenceDays"],
            last_contact=LastContact.parse(c.get("lastContact")),
            decision_maker=_person(c.get("decisionMaker")),
            ally=_person(c.get("strongestAlly")),
        )

    @classmethod
    def for_customer(cls, c: CustomerDetail) -> QueueRow:
        """A row for logging a contact from the customer screen: it answers the customer's
        earliest open follow-up, if there is one."""
        open_items = sorted(c.follow_ups, key=lambda f: f.due_on)
        item = open_items[0] if open_items else None
        deciders = [k for k in c.contacts if k.is_decision_maker]
        deciders.sort(key=lambda k: {"HIGH": 0, "MEDIUM": 1, "LOW": 2}.get(k.influence, 3))
        allies = [k for k in c.contacts if k.ally_strength not in ("NONE", "")]
        allies.sort(key=lambda k: {"STRONG": 0, "MODERATE": 1, "WEAK": 2}.get(k.ally_strength, 3))
        plan = c.contact_plan
        return cls(
            id=item.id if item else "",
            version=item.version if item else 0,
            due_on=date.fromisoformat(item.due_on) if item else date.today(),
            kind=item.kind if item else "PHONE",
            purpose=item.purpose if item else (plan.focus if plan else ""),
            preparation_notes="",
            expected_products=plan.expected_products if plan else "",
            expected_quantity=plan.expected_quantity if plan else None,
            expected_amount=plan.expected_amount if plan else None,
            customer_id=c.id,
            customer_name=c.name,
            grade=c.grade,
            abc_class=c.abc_class,
            is_vip=c.is_vip,
            is_key_account=c.is_key_account,
            region=c.region,
            cadence_days=c.cadence_days,
            last_contact=c.last_contact,
            decision_maker=Person(deciders[0].name, deciders[0].title, deciders[0].phone)
            if deciders
            else None,
            ally=Person(allies[0].name, allies[0].title, allies[0].phone) if allies else None,
        )

    def expected_order(self) -> str:
        parts = [self.expected_products]
        if self.expected_quantity:
            parts.append(f"×{self.expected_quantity}")
        if self.expected_amount:
            parts.append(money(self.expected_amount))
        return " ".join(p for p in parts if p)

    def marks(self) -> str:
        """Key account ★, VIP ◆: the flags that sort a row up."""
        return ("★" if self.is_key_account else "") + ("◆" if self.is_vip else "")


@dataclass(frozen=True)
class Section:
    total: int
    rows: list[QueueRow]
    has_more: bool

    @classmethod
    def parse(cls, s: Json) -> Section:
        return cls(
            s["totalCount"], [QueueRow.parse(n) for n in s["nodes"]], s["pageInfo"]["hasNextPage"]
        )


@dataclass(frozen=True)
class Queue:
    day: date
    user: User
    overdue: Section
    today: Section
    upcoming: Section
    neglected: int
    # Complaints whose step is past its time, escalated to this person (theirs, or their
    # team's), the longest overdue first, and how many there are.
    complaints: list[ComplaintCard] = field(default_factory=list)
    complaints_total: int = 0

    @classmethod
    def parse(cls, d: Json) -> Queue:
        escalated = d.get("overdueComplaints") or {"nodes": [], "totalCount": 0}
        return cls(
            day=date.fromisoformat(d["day"]),
            user=User.parse(d["user"]),
            overdue=Section.parse(d["overdue"]),
            today=Section.parse(d["dueToday"]),
            upcoming=Section.parse(d["upcoming"]),
            neglected=d["neglectedCount"],
            complaints=[ComplaintCard.parse(n) for n in escalated["nodes"]],
            complaints_total=escalated["totalCount"],
        )


@dataclass(frozen=True)
class Workload:
    user: User
    overdue: int
    due_today: int
    out_of_cadence: int


@dataclass(frozen=True)
class ContactChoice:
    id: str
    name: str
    title: str
    is_decision_maker: bool
    ally_strength: str

    def label(self) -> str:
        marks = ("决" if self.is_decision_maker else "") + (
            "盟" if self.ally_strength not in ("NONE", "") else ""
        )
        return f"{self.name} {self.title} {marks}".strip()


@dataclass(frozen=True)
class CustomerForLog:
    id: str
    name: str
    grade: str
    cadence_days: int
    contacts: list[ContactChoice] = field(default_factory=list)


@dataclass(frozen=True)
class Logged:
    """What logging a contact did."""

    interaction_id: str
    # True when the idempotency key had been used: the earlier logging stands.
    replayed: bool
    next_due_on: str | None


@dataclass(frozen=True)
class VisitFollowUp:
    kind: str
    purpose: str
    due_on: date


@dataclass(frozen=True)
class VisitStop:
    position: int
    distance_km: float | None
    customer_id: str
    name: str
    route: str
    address: str
    follow_ups: list[VisitFollowUp]


@dataclass(frozen=True)
class VisitPlan:
    day: date
    region: str
    nearest_first: bool
    total_km: float | None
    stops: list[VisitStop]

    @classmethod
    def parse(cls, d: Json) -> VisitPlan:
        return cls(
            day=date.fromisoformat(d["day"]),
            region=d["region"],
            nearest_first=d["method"] == "NEAREST_NEIGHBOUR",
            total_km=d["totalKm"],
            stops=[
                VisitStop(
                    position=s["position"],
                    distance_km=s["distanceKm"],
                    customer_id=s["customer"]["id"],
                    name=s["customer"]["name"],
                    route=s["customer"]["route"],
                    address=s["customer"]["address"],
                    follow_ups=[
                        VisitFollowUp(f["kind"], f["purpose"], date.fromisoformat(f["dueOn"]))
                        for f in s["followUps"]
                    ],
                )
                for s in d["stops"]
            ],
        )


class FollowUpsCalls(Transport):
    async def queue(
        self,
        user_id: str | None = None,
        *,
        day: date | None = None,
        regions: list[str] | None = None,
        grades: list[str] | None = None,
        kinds: list[str] | None = None,
        first: int = 100,
    ) -> Queue:
        """The viewer's queue (or a team member's, for their managers) as of `day`."""
        flt = {k: v for k, v in (("regions", regions), ("grades", grades), ("kinds", kinds)) if v}
        data = await self._execute(
            QUEUE,
            {
                "userId": user_id,
                "day": day.isoformat() if day else None,
                "filter": flt or None,
                "first": first,
            },
        )
        if data["followUpQueue"] is None:
            raise ApiError(_("You may not see that queue."))
        return Queue.parse(data["followUpQueue"])

    async def team(self, day: date | None = None) -> list[Workload]:
        """Overdue, due today and out of cadence per person in the viewer's line."""
        data = await self._execute(TEAM, {"day": day.isoformat() if day else None})
        return [
            Workload(
                User.parse(w["user"]), w["overdueCount"], w["dueTodayCount"], w["outOfCadenceCount"]
            )
            for w in data["followUpTeam"]
        ]

    async def customer_for_log(self, customer_id: str) -> CustomerForLog:
        """The customer's grade, cadence and people, for the log-contact form."""
        c = (await self._execute(CUSTOMER_CONTACTS, {"id": customer_id}))["customer"]
        if c is None:
            raise ApiError(_("That customer is not visible to you."))
        plan = c.get("contactPlan") or {}
        return CustomerForLog(
            id=c["id"],
            name=c["name"],
            grade=c["grade"],
            cadence_days=plan.get("frequencyDays") or c["cadenceDays"],
            contacts=[
                ContactChoice(
                    k["id"], k["name"], k["title"], k["isDecisionMaker"], k["allyStrength"]
                )
                for k in c["contacts"]
            ],
        )

    async def log_interaction(
        self,
        *,
        customer_id: str,
        kind: str,
        grade: str,
        occurred_at: datetime | None = None,
        contact_ids: list[str] | None = None,
        needs: str = "",
        problems: str = "",
        outcome: str = "",
        satisfaction: int | None = None,
        follow_up_id: str | None = None,
        next_due_on: date | None = None,
        idempotency_key: str | None = None,
    ) -> Logged:
        """Log a contact; the key makes a retry after a lost answer record it once."""
        data: dict[str, Any] = {
            "customerId": customer_id,
            "kind": kind,
            "grade": grade,
            "idempotencyKey": idempotency_key or uuid.uuid4().hex,
            "contactIds": contact_ids or [],
            "needs": needs,
            "problems": problems,
            "outcome": outcome,
            "summary": (outcome or needs or problems).splitlines()[0][:200]
            if (outcome or needs or problems)
            else "",
        }
        if occurred_at is not None:
            data["occurredAt"] = occurred_at.isoformat()
        if satisfaction is not None:
            data["satisfaction"] = satisfaction
        if follow_up_id:
            data["followUpId"] = follow_up_id
        if next_due_on is not None:
            data["nextDueOn"] = next_due_on.isoformat()
        payload = await self._mutate(INTERACTION_LOG, "interactionLog", {"input": data})
        following = payload.get("nextFollowUp")
        return Logged(
            interaction_id=payload["interaction"]["id"],
            replayed=payload["replayed"],
            next_due_on=following["dueOn"] if following else None,
        )

    async def reschedule(self, follow_up_id: str, version: int, due_on: date, reason: str) -> None:
        """Move an open follow-up to another day, with the reason."""
        await self._mutate(
            FOLLOW_UP_RESCHEDULE,
            "followUpReschedule",
            {
                "input": {
                    "id": follow_up_id,
                    "version": version,
                    "dueOn": due_on.isoformat(),
                    "reason": reason,
                }
            },
        )

    async def skip(self, follow_up_id: str, version: int, reason: str) -> None:
        """Skip an open follow-up, with the reason."""
        await self._mutate(
            FOLLOW_UP_SKIP,
            "followUpSkip",
            {"input": {"id": follow_up_id, "version": version, "reason": reason}},
        )

    async def set_contact_plan(self, customer_id: str, version: int | None, **fields: Any) -> None:
        """Create the contact plan (no `version`) or change the given fields of it; a
        `frequencyDays` of None returns the customer to its grade's cadence."""
        await self._mutate(
            CONTACT_PLAN_SET,
            "contactPlanSet",
            {"input": {"customerId": customer_id, "version": version, **fields}},
        )

    async def visit_plan(self, region: str, day: date | None = None) -> VisitPlan | None:
        """The day's visits in one region in route order; None when nothing is due."""
        data = await self._execute(
            VISIT_PLAN, {"region": region, "day": day.isoformat() if day else None}
        )
        plan = data["visitPlan"]
        return VisitPlan.parse(plan) if plan else None
