"""Access requests: asking to see a customer one does not own, and deciding them."""

from __future__ import annotations

from dataclasses import dataclass

from tui.api.records import User
from tui.api.transport import Json, Transport

ACCESS_REQUESTS = """
query AccessRequests($status: AccessRequestStatus) {
  accessRequests(status: $status, first: 100) {
    nodes {
      id customerDescription reason status decisionNote createdAt decidedAt
      requester { id displayName username }
      decidedBy { id displayName username }
      grantedCustomer { id name }
      accessExpiresAt
    }
  }
}"""

ACCESS_REQUEST_CREATE = """
mutation AccessRequestCreate($input: AccessRequestCreateInput!) {
  accessRequestCreate(input: $input) {
    accessRequest { id status }
    userErrors { field code message }
  }
}"""

ACCESS_REQUEST_GRANT = """
mutation AccessRequestGrant($input: AccessRequestGrantInput!) {
  accessRequestGrant(input: $input) {
    accessRequest { id status }
    userErrors { field code message }
  }
}"""

ACCESS_REQUEST_REFUSE = """
mutation AccessRequestRefuse($input: AccessRequestRefuseInput!) {
  accessRequestRefuse(input: $input) {
    accessRequest { id status }
    userErrors { field code message }
  }
}"""

OPERATIONS = {
    "ACCESS_REQUESTS": ACCESS_REQUESTS,
    "ACCESS_REQUEST_CREATE": ACCESS_REQUEST_CREATE,
    "ACCESS_REQUEST_GRANT": ACCESS_REQUEST_GRANT,
    "ACCESS_REQUEST_REFUSE": ACCESS_REQUEST_REFUSE,
}


@dataclass(frozen=True)
class AccessRequest:
    id: str
    customer_description: str
    reason: str
    status: str
    decision_note: str
    created_at: str
    decided_at: str | None
    requester: User
    decided_by: User | None
    # The customer opened by the grant, while the grant runs: (id, name).
    granted_customer: tuple[str, str] | None
    access_expires_at: str | None

    @classmethod
    def parse(cls, d: Json) -> AccessRequest:
        granted = d["grantedCustomer"]
        return cls(
            id=d["id"],
            customer_description=d["customerDescription"],
            reason=d["reason"],
            status=d["status"],
            decision_note=d["decisionNote"] or "",
            created_at=d["createdAt"],
            decided_at=d["decidedAt"],
            requester=User.parse(d["requester"]),
            decided_by=User.parse(d["decidedBy"]) if d["decidedBy"] else None,
            granted_customer=(granted["id"], granted["name"]) if granted else None,
            access_expires_at=d["accessExpiresAt"],
        )


class AccessCalls(Transport):
    async def access_requests(self, status: str | None = None) -> list[AccessRequest]:
        """The requests the viewer may read (their own; every one for managers)."""
        data = await self._execute(ACCESS_REQUESTS, {"status": status})
        return [AccessRequest.parse(r) for r in data["accessRequests"]["nodes"]]

    async def request_access(self, customer_description: str, reason: str) -> None:
        await self._mutate(
            ACCESS_REQUEST_CREATE,
            "accessRequestCreate",
            {"input": {"customerDescription": customer_description, "reason": reason}},
        )

    async def grant_access(self, request_id: str, customer_id: str, days: int, note: str) -> None:
        await self._mutate(
            ACCESS_REQUEST_GRANT,
            "accessRequestGrant",
            {
                "input": {
                    "requestId": request_id,
                    "customerId": customer_id,
                    "days": days,
                    "note": note,
                }
            },
        )

    async def refuse_access(self, request_id: str, note: str) -> None:
        await self._mutate(
            ACCESS_REQUEST_REFUSE,
            "accessRequestRefuse",
            {"input": {"requestId": request_id, "note": note}},
        )
