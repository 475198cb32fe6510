"""Complaints: the board, one complaint with its steps, recording one, each step's action,
evidence files (attach by path, download to open)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from gql import FileVar

from tui.api import downloads
from tui.api.errors import ApiError, ServerUnreachable
from tui.api.records import Money, User
from tui.api.transport import Json, Transport
from tui.i18n import _

COMPLAINT_CARD = """id version step subject customerName category kind severity receivedAt
  stepDueAt assignee { id username displayName }"""
_CARD = COMPLAINT_CARD

BOARD = (
    """
query ComplaintBoard($filter: ComplaintFilter, $first: Int) {
  complaintBoard(filter: $filter) {
    openCount overdueCount
    columns { step count overdueCount complaints(first: $first) { nodes { """
    + _CARD
    + """ } } }
  }
}"""
)

_USER = "id username displayName"  # not text: GraphQL fields

COMPLAINT = f"""
query Complaint($id: ID!) {{
  node(id: $id) {{
    ... on Complaint {{
      {_CARD}
      channel description demand amount {{ amount currency }}
      rejectionReason reply rootCause responsibleParty implementation
      customerNotifiedAt customerFeedback lessons satisfaction closedAt reopenReason
      remedy {{ kind description amount {{ amount currency }} }}
      correctiveAction {{ description dueOn doneOn owner {{ {_USER} }} }}
      customer {{ id }}
      contact {{ name title phone }}
      customerContacts {{ name title phone }}
      salesOrder {{ id orderedOn externalRef total {{ amount currency }} }}
      orderLines {{ lineNo product quantity amount {{ amount currency }} }}
      recordedBy {{ {_USER} }} department {{ id name }}
      proposedBy {{ {_USER} }} approvedBy {{ {_USER} }}
      events {{ action fromStep toStep at note spentSeconds actor {{ {_USER} }} }}
      evidence {{ id filename contentType size uploadedAt downloadPath uploadedBy {{ {_USER} }} }}
      viewerActions
    }}
  }}
}}"""

CUSTOMER_COMPLAINTS = (
    """
query CustomerComplaints($id: ID!) {
  customer(id: $id) {
    openComplaintCount
    complaints(first: 100) { nodes { """
    + _CARD
    + """ } }
  }
}"""
)

RECORD_CHOICES = """
query RecordChoices($id: ID!) {
  customer(id: $id) {
    id name
    contacts { id name title }
    salesOrders(first: 20) { nodes { id orderedOn externalRef total { amount currency } } }
  }
}"""

DEPARTMENTS = """
query Departments { departments { id name } }"""

_PAYLOAD = "complaint { id version step } userErrors { field code message }"

# Each action the client offers, with its mutation and input type (the schema's names).
ACTIONS: dict[str, tuple[str, str]] = {
    "RECORD": ("complaintRecord", "ComplaintRecordInput"),
    "VALIDATE": ("complaintValidate", "ComplaintValidateInput"),
    "REJECT": ("complaintReject", "ComplaintRejectInput"),
    "ASSIGN": ("complaintAssign", "ComplaintAssignInput"),
    "ANALYSE": ("complaintAnalyse", "ComplaintAnalyseInput"),
    "PROPOSE": ("complaintPropose", "ComplaintProposeInput"),
    "APPROVE": ("complaintApprove", "ComplaintApproveInput"),
    "SEND_BACK": ("complaintSendBack", "ComplaintSendBackInput"),
    "IMPLEMENT": ("complaintImplement", "ComplaintImplementInput"),
    "EVALUATE": ("complaintEvaluate", "ComplaintEvaluateInput"),
    "REOPEN": ("complaintReopen", "ComplaintReopenInput"),
}


def _mutation(name: str, input_type: str) -> str:
    return (
        f"mutation Complaint{name[9:]}($input: {input_type}!) {{"  # not text
        f" {name}(input: $input) {{ {_PAYLOAD} }} }}"
    )


MUTATIONS = {action: _mutation(*spec) for action, spec in ACTIONS.items()}

CORRECTIVE_DONE = (
    "mutation ComplaintCorrectiveActionDone($input: ComplaintCorrectiveActionDoneInput!) {"
    f" complaintCorrectiveActionDone(input: $input) {{ {_PAYLOAD} }} }}"
)

EVIDENCE_ATTACH = """
mutation ComplaintEvidenceAttach($input: ComplaintEvidenceAttachInput!) {
  complaintEvidenceAttach(input: $input) {
    evidence { id filename }
    userErrors { field code message }
  }
}"""

OPERATIONS = {
    "COMPLAINT_BOARD": BOARD,
    "COMPLAINT": COMPLAINT,
    "CUSTOMER_COMPLAINTS": CUSTOMER_COMPLAINTS,
    "RECORD_CHOICES": RECORD_CHOICES,
    "DEPARTMENTS": DEPARTMENTS,
    "EVIDENCE_ATTACH": EVIDENCE_ATTACH,
    "CORRECTIVE_DONE": CORRECTIVE_DONE,
    **{f"COMPLAINT_{action}": text for action, text in MUTATIONS.items()},
}


def _user(d: Json | None) -> User | None:
    return User.parse(d) if d else None


@dataclass(frozen=True)
class ComplaintCard:
    """A complaint as a list shows it."""

    id: str
    version: int
    step: str
    subject: str
    customer_name: str
    category: str
    kind: str
    severity: str
    received_at: str
    # Whether it is overdue is the screen's to say, against the company's clock.
    step_due_at: str | None
    assignee: User | None

    @classmethod
    def parse(cls, d: Json) -> ComplaintCard:
        return cls(
            id=d["id"],
            version=d["version"],
            step=d["step"],
            subject=d["subject"],
            customer_name=d["customerName"],
            category=d["category"],
            kind=d["kind"],
            severity=d["severity"],
            received_at=d["receivedAt"],
            step_due_at=d["stepDueAt"],
            assignee=_user(d["assignee"]),
        )


@dataclass(frozen=True)
class BoardColumn:
    step: str
    count: int
    overdue_count: int
    cards: list[ComplaintCard]


@dataclass(frozen=True)
class Board:
    open_count: int
    overdue_count: int
    columns: list[BoardColumn]


@dataclass(frozen=True)
class StepEvent:
    action: str
    from_step: str | None
    to_step: str
    at: str
    note: str
    spent_seconds: int | None
    actor: User | None


@dataclass(frozen=True)
class Evidence:
    id: str
    filename: str
    content_type: str
    size: int
    uploaded_at: str
    download_path: str
    uploaded_by: User | None


@dataclass(frozen=True)
class ComplaintDetail:
    card: ComplaintCard
    data: Json  # the step records, read by the screen field by field
    events: list[StepEvent]
    evidence: list[Evidence]
    actions: list[str]
    customer_id: str | None  # when the viewer sees the customer's record

    @property
    def id(self) -> str:
        return self.card.id

    @property
    def version(self) -> int:
        return self.card.version

    @property
    def corrective_open(self) -> bool:
        """A corrective action was decided and is not done yet."""
        action = self.data.get("correctiveAction") or {}
        return bool(action) and not action.get("doneOn")

    @classmethod
    def parse(cls, d: Json) -> ComplaintDetail:
        return cls(
            card=ComplaintCard.parse(d),
            data=d,
            events=[
                StepEvent(
                    action=e["action"],
                    from_step=e["fromStep"],
                    to_step=e["toStep"],
                    at=e["at"],
                    note=e["note"],
                    spent_seconds=e["spentSeconds"],
                    actor=_user(e["actor"]),
                )
                for e in d["events"]
            ],
            evidence=[
                Evidence(
                    id=f["id"],
                    filename=f["filename"],
                    content_type=f["contentType"],
                    size=f["size"],
                    uploaded_at=f["uploadedAt"],
                    download_path=f["downloadPath"],
                    uploaded_by=_user(f["uploadedBy"]),
                )
                for f in d["evidence"]
            ],
            actions=list(d["viewerActions"]),
            customer_id=(d["customer"] or {}).get("id"),
        )


@dataclass(frozen=True)
class OrderChoice:
    id: str
    ordered_on: str
    external_ref: str | None
    total: Money | None


@dataclass(frozen=True)
class RecordChoices:
    """What the record dialog offers for one customer: its contacts and recent orders."""

    customer_id: str
    customer_name: str
    contacts: list[tuple[str, str]]  # (id, "name title")
    orders: list[OrderChoice]


class ComplaintsCalls(Transport):
    async def complaint_board(self, filter: Json | None = None, first: int = 20) -> Board:
        """The open complaints the viewer reads, by step, with what is overdue: the counts
        of every step, and its `first` most urgent complaints (a terminal shows fewer)."""
        data = (await self._execute(BOARD, {"filter": filter, "first": first}))["complaintBoard"]
        return Board(
            open_count=data["openCount"],
            overdue_count=data["overdueCount"],
            columns=[
                BoardColumn(
                    step=c["step"],
                    count=c["count"],
                    overdue_count=c["overdueCount"],
                    cards=[ComplaintCard.parse(n) for n in c["complaints"]["nodes"]],
                )
                for c in data["columns"]
            ],
        )

    async def complaint(self, complaint_id: str) -> ComplaintDetail | None:
        """One complaint with its steps, events, files and what the viewer may do; None
        when it is gone or no longer visible."""
        node = (await self._execute(COMPLAINT, {"id": complaint_id}))["node"]
        return ComplaintDetail.parse(node) if node else None

    async def customer_complaints(self, customer_id: str) -> list[ComplaintCard]:
        """A customer's complaints, newest first (the customer screen's tab)."""
        found = (await self._execute(CUSTOMER_COMPLAINTS, {"id": customer_id}))["customer"]
        return [ComplaintCard.parse(n) for n in found["complaints"]["nodes"]] if found else []

    async def record_choices(self, customer_id: str) -> RecordChoices:
        """The customer's contacts and recent orders, for recording its complaint."""
        found = (await self._execute(RECORD_CHOICES, {"id": customer_id}))["customer"]
        if found is None:
            raise ApiError(_("No such customer, or it is not visible to you."))
        return RecordChoices(
            customer_id=found["id"],
            customer_name=found["name"],
            contacts=[(c["id"], f"{c['name']} {c['title']}".strip()) for c in found["contacts"]],
            orders=[
                OrderChoice(o["id"], o["orderedOn"], o["externalRef"], Money.parse(o["total"]))
                for o in found["salesOrders"]["nodes"]
            ],
        )

    async def departments(self) -> list[tuple[str, str]]:
        """Every department as (id, name)."""
        found = (await self._execute(DEPARTMENTS))["departments"]
        return [(d["id"], d["name"]) for d in found]

    async def complaint_act(self, action: str, values: Json) -> Json:
        """Take a step (an action of ACTIONS) with its input; userErrors raise UserErrors.
        The answer is the complaint's id, version and step after it."""
        name, _ = ACTIONS[action]
        payload = await self._mutate(MUTATIONS[action], name, {"input": values})
        complaint: Json = payload["complaint"]
        return complaint

    async def corrective_action_done(self, complaint_id: str, version: int, done_on: str) -> None:
        """Record the closed complaint's corrective action done on a company day."""
        await self._mutate(
            CORRECTIVE_DONE,
            "complaintCorrectiveActionDone",
            {"input": {"id": complaint_id, "version": version, "doneOn": done_on}},
        )

    async def attach_evidence(self, complaint_id: str, path: Path, description: str = "") -> str:
        """Upload a file (a GraphQL multipart request) to the complaint; its name."""
        with path.open("rb") as handle:
            variables = {
                "input": {
                    "id": complaint_id,
                    "file": FileVar(handle, filename=path.name),
                    "description": description,
                }
            }
            payload = await self._mutate(
                EVIDENCE_ATTACH, "complaintEvidenceAttach", variables, upload_files=True
            )
        filename: str = payload["evidence"]["filename"]
        return filename

    async def download_evidence(
        self, download_path: str, filename: str, into: Path | None = None
    ) -> Path:
        """Fetch an evidence file into the user's own folder (or `into`), under a name
        whose extension is that of the type its bytes are; the path it was saved at."""
        base = self.url.rsplit("/graphql", 1)[0]
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}  # not text
        options: dict[str, Any] = dict(self._httpx_options)
        try:
            async with httpx.AsyncClient(**options) as client:
                response = await client.get(base + download_path, headers=headers)
        except (httpx.HTTPError, OSError) as exc:
            raise ServerUnreachable(self.url, str(exc) or type(exc).__name__) from exc
        if response.status_code != 200:
            raise ApiError(response.json().get("error", str(response.status_code)))
        data = response.content
        folder = into if into is not None else downloads.evidence_folder()
        name = downloads.safe_name(filename, downloads.detected_type(data))
        return downloads.save_private(folder, name, data)
