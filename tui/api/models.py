"""Plain typed records built from the server's answers; what the screens display."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The schema's enums as the client shows them live in vocabulary.py; re-exported here for
# the screens that read them with the records.
from tui.api.vocabulary import (
    GRADES,
    KIND_LABEL,
    KINDS,
    STAGE_LABEL,
    STAGES,
    grade_meaning,
    money,
)

__all__ = ["GRADES", "KINDS", "KIND_LABEL", "STAGES", "STAGE_LABEL", "grade_meaning"]


@dataclass(frozen=True)
class CustomerFilter:
    """What the customer list is narrowed to, besides the search text."""

    grades: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    # (id, display name) of each owner, the name for the status line.
    owners: tuple[tuple[str, str], ...] = ()
    key_accounts_only: bool = False

    def variables(self) -> dict[str, Any]:
        """The CustomerFilter input fields that narrow anything."""
        found: dict[str, Any] = {
            "grades": list(self.grades),
            "stages": list(self.stages),
            "regions": list(self.regions),
            "tags": list(self.tags),
            "ownerIds": [owner_id for owner_id, _ in self.owners],
            "isKeyAccount": True if self.key_accounts_only else None,
        }
        return {k: v for k, v in found.items() if v}

    def describe(self) -> str:
        parts = [
            "grade " + "".join(self.grades) if self.grades else "",
            "/".join(STAGE_LABEL[s] for s in self.stages),
            ", ".join(self.regions),
            " ".join(f"#{t}" for t in self.tags),
            ", ".join(name for _, name in self.owners),
            "key accounts" if self.key_accounts_only else "",
        ]
        return " · ".join(p for p in parts if p)


@dataclass(frozen=True)
class User:
    id: str
    username: str
    display_name: str
    role: str = ""

    @property
    def is_manager(self) -> bool:
        return self.role in ("MANAGER", "ADMIN")

    @classmethod
    def parse(cls, d: dict[str, Any]) -> User:
        return cls(d["id"], d["username"], d.get("displayName", ""), d.get("role", ""))


@dataclass(frozen=True)
class Person:
    name: str
    title: str
    phone: str

    def line(self) -> str:
        return " ".join(p for p in (self.name, self.title, self.phone) if p)


def _customer_facts(c: dict[str, Any]) -> dict[str, Any]:
    """The customer's part of a queue row, from the queue's or the customer screen's query."""
    last = c.get("lastContact")
    return {
        "customer_id": c["id"],
        "customer_name": c["name"],
        "grade": c["grade"],
        "abc_class": c["abcClass"],
        "is_vip": c["isVip"],
        "is_key_account": c["isKeyAccount"],
        "region": c["region"],
        "cadence_days": c["cadenceDays"],
        "last_contact_at": datetime.fromisoformat(last["at"]) if last else None,
        "last_contact_kind": last["kind"] if last else None,
        "last_contact_summary": last["summary"] if last else "",
    }


@dataclass(frozen=True)
class QueueRow:
    """One open follow-up with what a rep needs before calling (DOMAIN.md §3)."""

    id: str
    version: int
    due_on: date
    kind: str
    purpose: str
    preparation_notes: str
    expected_products: str
    expected_quantity: int | None
    # The expected order's amount as the Money the server sent ({amount, currency}).
    expected_amount: dict[str, str] | None
    customer_id: str
    customer_name: str
    grade: str
    abc_class: str | None
    is_vip: bool
    is_key_account: bool
    region: str
    cadence_days: int
    last_contact_at: datetime | None
    last_contact_kind: str | None
    last_contact_summary: str
    decision_maker: Person | None
    ally: Person | None

    @classmethod
    def parse(cls, d: dict[str, Any]) -> QueueRow:
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
            expected_amount=order["amount"] or None,
            **_customer_facts(c),
            decision_maker=_person(c.get("decisionMaker")),
            ally=_person(c.get("strongestAlly")),
        )

    @classmethod
    def for_customer(cls, c: dict[str, Any]) -> QueueRow:
        """A row for logging a contact from the customer screen (the CUSTOMER query): it
        answers the customer's earliest open follow-up, if there is one."""
        open_items = sorted(c.get("followUps") or [], key=lambda f: f["dueOn"])
        item = open_items[0] if open_items else None
        contacts = c.get("contacts") or []
        deciders = [k for k in contacts if k["isDecisionMaker"]]
        deciders.sort(key=lambda k: {"HIGH": 0, "MEDIUM": 1, "LOW": 2}.get(k["influence"], 3))
        allies = [k for k in contacts if k["allyStrength"] not in ("NONE", "")]
        allies.sort(key=lambda k: {"STRONG": 0, "MODERATE": 1, "WEAK": 2}.get(k["allyStrength"], 3))
        plan = c.get("contactPlan") or {}
        order = plan.get("expectedOrder") or {}
        return cls(
            id=item["id"] if item else "",
            version=item["version"] if item else 0,
            due_on=date.fromisoformat(item["dueOn"]) if item else date.today(),
            kind=item["kind"] if item else "PHONE",
            purpose=item["purpose"] if item else plan.get("focus", ""),
            preparation_notes="",
            expected_products=order.get("products", ""),
            expected_quantity=order.get("quantity"),
            expected_amount=order.get("amount") or None,
            **_customer_facts(c),
            decision_maker=_person(deciders[0]) if deciders else None,
            ally=_person(allies[0]) if allies else None,
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


def _person(d: dict[str, Any] | None) -> Person | None:
    return Person(d["name"], d.get("title", ""), d.get("phone", "")) if d else None


@dataclass(frozen=True)
class Section:
    total: int
    rows: list[QueueRow]
    has_more: bool


@dataclass(frozen=True)
class Queue:
    day: date
    user: User
    overdue: Section
    today: Section
    upcoming: Section
    neglected: int

    @classmethod
    def parse(cls, d: dict[str, Any]) -> Queue:
        def section(s: dict[str, Any]) -> Section:
            return Section(
                s["totalCount"],
                [QueueRow.parse(n) for n in s["nodes"]],
                s["pageInfo"]["hasNextPage"],
            )

        return cls(
            day=date.fromisoformat(d["day"]),
            user=User.parse(d["user"]),
            overdue=section(d["overdue"]),
            today=section(d["dueToday"]),
            upcoming=section(d["upcoming"]),
            neglected=d["neglectedCount"],
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
class Cadences:
    """Days between contacts per grade, and the time zone the company's days are counted
    in (company settings): "today" and due dates are the company's, not this computer's."""

    days: dict[str, int]
    timezone: str = "Asia/Shanghai"

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def now(self) -> datetime:
        """The wall-clock time in the company's time zone."""
        return datetime.now(self.zone)

    def today(self) -> date:
        return self.now().date()

    def next_due(self, grade: str, start: date) -> date:
        from datetime import timedelta

        return start + timedelta(days=self.days.get(grade, 30))


@dataclass(frozen=True)
class CustomerRow:
    """One line of the customer list."""

    id: str
    name: str
    grade: str
    abc_class: str | None
    is_vip: bool
    is_key_account: bool
    region: str
    stage: str
    owner: str
    last_contact: str

    @classmethod
    def parse(cls, d: dict[str, Any]) -> CustomerRow:
        last = d.get("lastContact")
        return cls(
            id=d["id"],
            name=d["name"],
            grade=d["grade"],
            abc_class=d["abcClass"],
            is_vip=d["isVip"],
            is_key_account=d["isKeyAccount"],
            region=d["region"],
            stage=d["stage"],
            owner=d["owner"]["displayName"] or d["owner"]["username"],
            last_contact=f"{last['at'][:10]} {last['summary']}" if last else "",
        )


@dataclass(frozen=True)
class CustomerPage:
    total: int
    rows: list[CustomerRow]
    end_cursor: str | None
    has_next: bool
