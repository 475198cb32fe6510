"""The customer archive: the list, one customer with everything its screen shows, and the
writes on customers and the people inside them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tui.api.errors import ApiError
from tui.api.records import Money, User
from tui.api.transport import Json, Transport
from tui.api.vocabulary import STAGE_LABEL
from tui.i18n import _

CUSTOMERS = """
query Customers($filter: CustomerFilter, $first: Int, $after: String) {
  customers(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id name grade abcClass isVip isKeyAccount region stage
      owner { displayName username }
      lastContact { at summary }
    }
  }
}"""

_TIMELINE_PAGE = """
fragment TimelinePage on InteractionConnection {
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes {
    id kind occurredAt summary outcome needs problems satisfaction gradeBefore gradeAfter
    author { displayName }
    contactsPresent { name }
  }
}"""

# The archive's facts, by their API names: shown in groups and edited as a form.
ARCHIVE_TEXT = [
    "address",
    "phone",
    "email",
    "legalRepresentative",
    "organizationForm",
    "industry",
    "region",
    "route",
    "relationshipSince",
    "serviceArea",
    "salesCapacity",
    "developmentPotential",
    "businessPhilosophy",
    "scale",
    "distinctiveFeatures",
    "factory",
    "equipment",
    "output",
    "qualityRequirements",
    "productStructure",
    "ourSharePercent",
    "yearsInBusiness",
    "billingDay",
    "paymentDays",
    "code",
    "currentSalesActivity",
    "openProblems",
    "sourceChannel",
    "referredBy",
    "stage",
]
ARCHIVE_MONEY = ("assets", "registeredCapital", "creditLimit")

CUSTOMER = (
    """
query Customer($id: ID!) {
  customer(id: $id) {
    id version name viewerCanEdit isArchived
    """
    + " ".join(ARCHIVE_TEXT)
    + "\n    "
    + " ".join(f"{m} {{ amount currency }}" for m in ARCHIVE_MONEY)
    + """
    grade isKeyAccount abcClass isVip vipReason vipSince cadenceDays
    owner { id displayName username }
    tags
    lastContact { at kind summary }
    contacts {
      id version name title role phone email isDecisionMaker influence attitude allyStrength
      isAlly hobbies personality
    }
    contactPlan {
      version focus frequencyDays preferredTime
      expectedOrder { products quantity amount { amount currency } }
    }
    followUps(status: [OPEN]) { id version dueOn kind purpose origin assignee { displayName } }
    interactions(first: 30) { ...TimelinePage }
    salesOrders(first: 20) {
      totalCount
      nodes { id orderedOn externalRef total { amount currency } }
    }
  }
}"""
    + _TIMELINE_PAGE
)

TIMELINE = (
    """
query Timeline($id: ID!, $after: String) {
  customer(id: $id) { id interactions(first: 30, after: $after) { ...TimelinePage } }
}"""
    + _TIMELINE_PAGE
)

CUSTOMER_CREATE = """
mutation CustomerCreate($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id name }
    userErrors { field code message }
  }
}"""

CUSTOMER_UPDATE = """
mutation CustomerUpdate($input: CustomerUpdateInput!) {
  customerUpdate(input: $input) {
    customer { id version }
    userErrors { field code message }
  }
}"""

CONTACT_CREATE = """
mutation ContactCreate($input: ContactCreateInput!) {
  contactCreate(input: $input) {
    contact { id }
    userErrors { field code message }
  }
}"""

CONTACT_UPDATE = """
mutation ContactUpdate($input: ContactUpdateInput!) {
  contactUpdate(input: $input) {
    contact { id version }
    userErrors { field code message }
  }
}"""

CONTACT_DELETE = """
mutation ContactDelete($input: ContactDeleteInput!) {
  contactDelete(input: $input) {
    deletedContactId
    userErrors { field code message }
  }
}"""

CUSTOMER_TRANSFER = """
mutation CustomerTransfer($input: CustomerTransferInput!) {
  customerTransfer(input: $input) {
    customer { id version owner { username } }
    userErrors { field code message }
  }
}"""

CUSTOMER_ARCHIVE = """
mutation CustomerArchive($input: CustomerArchiveInput!) {
  customerArchive(input: $input) {
    customer { id version isArchived }
    userErrors { field code message }
  }
}"""

OPERATIONS = {
    "CUSTOMERS": CUSTOMERS,
    "CUSTOMER": CUSTOMER,
    "TIMELINE": TIMELINE,
    "CUSTOMER_CREATE": CUSTOMER_CREATE,
    "CUSTOMER_UPDATE": CUSTOMER_UPDATE,
    "CONTACT_CREATE": CONTACT_CREATE,
    "CONTACT_UPDATE": CONTACT_UPDATE,
    "CONTACT_DELETE": CONTACT_DELETE,
    "CUSTOMER_TRANSFER": CUSTOMER_TRANSFER,
    "CUSTOMER_ARCHIVE": CUSTOMER_ARCHIVE,
}


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
            _("grade {grades}").format(grades="".join(self.grades)) if self.grades else "",
            "/".join(STAGE_LABEL[s] for s in self.stages),
            ", ".join(self.regions),
            " ".join(f"#{t}" for t in self.tags),
            ", ".join(name for _, name in self.owners),
            _("key accounts") if self.key_accounts_only else "",
        ]
        return " · ".join(p for p in parts if p)


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
    def parse(cls, d: Json) -> CustomerRow:
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


@dataclass(frozen=True)
class Contact:
    """One of the people inside a customer, as the customer screen lists them."""

    id: str
    version: int
    name: str
    title: str
    role: str
    phone: str
    email: str
    is_decision_maker: bool
    influence: str
    attitude: str
    ally_strength: str
    is_ally: bool
    hobbies: str
    personality: str

    @classmethod
    def parse(cls, d: Json) -> Contact:
        return cls(
            id=d["id"],
            version=d["version"],
            name=d["name"],
            title=d["title"],
            role=d["role"],
            phone=d["phone"],
            email=d["email"],
            is_decision_maker=d["isDecisionMaker"],
            influence=d["influence"],
            attitude=d["attitude"],
            ally_strength=d["allyStrength"],
            is_ally=d["isAlly"],
            hobbies=d.get("hobbies") or "",
            personality=d.get("personality") or "",
        )

    def form_values(self) -> dict[str, Any]:
        """The editable fields by their input names, as the contact form fills them in."""
        return {
            "name": self.name,
            "title": self.title,
            "phone": self.phone,
            "email": self.email,
            "isDecisionMaker": self.is_decision_maker,
            "role": self.role,
            "influence": self.influence,
            "attitude": self.attitude,
            "allyStrength": self.ally_strength,
        }


@dataclass(frozen=True)
class LastContact:
    at: datetime
    kind: str
    summary: str

    @classmethod
    def parse(cls, d: Json | None) -> LastContact | None:
        if not d:
            return None
        return cls(datetime.fromisoformat(d["at"]), d.get("kind") or "", d["summary"])


@dataclass(frozen=True)
class TimelineEntry:
    """One logged contact on a customer's timeline."""

    id: str
    kind: str
    occurred_at: str
    summary: str
    outcome: str
    needs: str
    problems: str
    satisfaction: int | None
    grade_before: str
    grade_after: str
    author: str
    present: tuple[str, ...]

    @classmethod
    def parse(cls, d: Json) -> TimelineEntry:
        return cls(
            id=d["id"],
            kind=d["kind"],
            occurred_at=d["occurredAt"],
            summary=d["summary"],
            outcome=d["outcome"],
            needs=d["needs"],
            problems=d["problems"],
            satisfaction=d["satisfaction"],
            grade_before=d["gradeBefore"],
            grade_after=d["gradeAfter"],
            author=d["author"]["displayName"],
            present=tuple(p["name"] for p in d["contactsPresent"]),
        )


@dataclass(frozen=True)
class TimelinePage:
    total: int
    entries: list[TimelineEntry]
    # Where the next page starts; None on the last page.
    next_cursor: str | None

    @classmethod
    def parse(cls, d: Json) -> TimelinePage:
        info = d["pageInfo"]
        return cls(
            total=d["totalCount"],
            entries=[TimelineEntry.parse(n) for n in d["nodes"]],
            next_cursor=info["endCursor"] if info["hasNextPage"] else None,
        )


@dataclass(frozen=True)
class OpenFollowUp:
    id: str
    version: int
    due_on: str
    kind: str
    purpose: str
    origin: str
    assignee: str

    @classmethod
    def parse(cls, d: Json) -> OpenFollowUp:
        return cls(
            d["id"],
            d["version"],
            d["dueOn"],
            d["kind"],
            d["purpose"],
            d["origin"],
            d["assignee"]["displayName"],
        )


@dataclass(frozen=True)
class ContactPlan:
    """The customer's contact plan (联络计划)."""

    version: int
    focus: str
    frequency_days: int | None
    preferred_time: str
    expected_products: str
    expected_quantity: int | None
    expected_amount: Money | None

    @classmethod
    def parse(cls, d: Json | None) -> ContactPlan | None:
        if not d:
            return None
        order = d.get("expectedOrder") or {}
        return cls(
            version=d["version"],
            focus=d["focus"] or "",
            frequency_days=d["frequencyDays"],
            preferred_time=d["preferredTime"] or "",
            expected_products=order.get("products") or "",
            expected_quantity=order.get("quantity"),
            expected_amount=Money.parse(order.get("amount")),
        )


@dataclass(frozen=True)
class OrderSummary:
    id: str
    ordered_on: str
    reference: str
    total: Money | None


# A fact of the archive: text, a whole number, an amount, or nothing.
Fact = str | int | Money | None


@dataclass(frozen=True)
class CustomerDetail:
    """Everything the customer screen shows, from one request."""

    id: str
    version: int
    name: str
    viewer_can_edit: bool
    is_archived: bool
    owner: User
    grade: str
    stage: str
    is_key_account: bool
    abc_class: str | None
    is_vip: bool
    vip_reason: str
    vip_since: str | None
    cadence_days: int
    tags: tuple[str, ...]
    last_contact: LastContact | None
    # The archive's facts by API name (ARCHIVE_TEXT and ARCHIVE_MONEY): a form, not logic.
    facts: Mapping[str, Fact]
    contacts: list[Contact]
    contact_plan: ContactPlan | None
    follow_ups: list[OpenFollowUp]
    timeline: TimelinePage
    orders: list[OrderSummary]

    @property
    def region(self) -> str:
        return str(self.facts.get("region") or "")

    @classmethod
    def parse(cls, c: Json) -> CustomerDetail:
        facts: dict[str, Fact] = {key: c.get(key) for key in ARCHIVE_TEXT}
        facts.update({key: Money.parse(c.get(key)) for key in ARCHIVE_MONEY})
        return cls(
            id=c["id"],
            version=c["version"],
            name=c["name"],
            viewer_can_edit=c["viewerCanEdit"],
            is_archived=c["isArchived"],
            owner=User.parse(c["owner"]),
            grade=c["grade"],
            stage=c["stage"],
            is_key_account=c["isKeyAccount"],
            abc_class=c["abcClass"],
            is_vip=c["isVip"],
            vip_reason=c["vipReason"] or "",
            vip_since=c["vipSince"],
            cadence_days=c["cadenceDays"],
            tags=tuple(c["tags"]),
            last_contact=LastContact.parse(c.get("lastContact")),
            facts=facts,
            contacts=[Contact.parse(k) for k in c["contacts"]],
            contact_plan=ContactPlan.parse(c.get("contactPlan")),
            follow_ups=[OpenFollowUp.parse(f) for f in c["followUps"]],
            timeline=TimelinePage.parse(c["interactions"]),
            orders=[
                OrderSummary(
                    o["id"], o["orderedOn"], o["externalRef"] or "", Money.parse(o["total"])
                )
                for o in c["salesOrders"]["nodes"]
            ],
        )


class CustomersCalls(Transport):
    async def customers(
        self, search: str = "", *, after: str | None = None, first: int = 50, **filters: Any
    ) -> CustomerPage:
        """One page of the customers the viewer may see; `after` continues a list."""
        flt = {k: v for k, v in {"search": search.strip() or None, **filters}.items() if v}
        data = await self._execute(
            CUSTOMERS, {"filter": flt or None, "first": first, "after": after}
        )
        conn = data["customers"]
        return CustomerPage(
            total=conn["totalCount"],
            rows=[CustomerRow.parse(n) for n in conn["nodes"]],
            end_cursor=conn["pageInfo"]["endCursor"],
            has_next=conn["pageInfo"]["hasNextPage"],
        )

    async def customer(self, customer_id: str) -> CustomerDetail:
        """Everything the customer screen shows, in one request."""
        found = (await self._execute(CUSTOMER, {"id": customer_id}))["customer"]
        if found is None:
            raise ApiError(_("That customer is not visible to you."))
        return CustomerDetail.parse(found)

    async def timeline(self, customer_id: str, after: str | None) -> TimelinePage:
        """The next page of a customer's logged contacts, newest first."""
        found = (await self._execute(TIMELINE, {"id": customer_id, "after": after}))["customer"]
        if found is None:
            raise ApiError(_("That customer is not visible to you."))
        return TimelinePage.parse(found["interactions"])

    async def create_customer(self, **fields: Any) -> str:
        """Create a customer from input fields by their API names; returns its id."""
        payload = await self._mutate(CUSTOMER_CREATE, "customerCreate", {"input": fields})
        return str(payload["customer"]["id"])

    async def update_customer(self, customer_id: str, version: int, **changes: Any) -> int:
        """Send only the changed fields; a stale `version` raises UserErrors with code
        STALE_VERSION on the field "version". Returns the new version."""
        payload = await self._mutate(
            CUSTOMER_UPDATE,
            "customerUpdate",
            {"input": {"id": customer_id, "version": version, **changes}},
        )
        return int(payload["customer"]["version"])

    async def save_contact(
        self, customer_id: str, contact_id: str | None, version: int | None, **fields: Any
    ) -> None:
        """Create a contact (no `contact_id`) or update one with its version."""
        if contact_id is None:
            await self._mutate(
                CONTACT_CREATE, "contactCreate", {"input": {"customerId": customer_id, **fields}}
            )
        else:
            await self._mutate(
                CONTACT_UPDATE,
                "contactUpdate",
                {"input": {"id": contact_id, "version": version, **fields}},
            )

    async def delete_contact(self, contact_id: str) -> None:
        await self._mutate(CONTACT_DELETE, "contactDelete", {"input": {"id": contact_id}})

    async def transfer_customer(self, customer_id: str, new_owner_id: str, version: int) -> None:
        """Hand the customer to a colleague (managers); UserErrors when refused."""
        await self._mutate(
            CUSTOMER_TRANSFER,
            "customerTransfer",
            {"input": {"id": customer_id, "newOwnerId": new_owner_id, "version": version}},
        )

    async def archive_customer(self, customer_id: str, version: int) -> None:
        await self._mutate(
            CUSTOMER_ARCHIVE, "customerArchive", {"input": {"id": customer_id, "version": version}}
        )
