"""CrmClient: typed calls over the GraphQL API with gql on httpx.

One client per signed-in session. The token is sent as a bearer header on each request, so a
login or logout changes it without a new connection. Every failure surfaces as one of the
errors in tui.api.errors; nothing else escapes to the screens.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import httpx
from gql import Client, GraphQLRequest
from gql.transport.exceptions import (
    TransportConnectionFailed,
    TransportError,
    TransportQueryError,
    TransportServerError,
)
from gql.transport.httpx import HTTPXAsyncTransport

from tui.api import operations as ops
from tui.api.errors import ApiError, FieldError, NotAuthenticated, ServerUnreachable, UserErrors
from tui.api.models import (
    Cadences,
    ContactChoice,
    CustomerForLog,
    CustomerPage,
    CustomerRow,
    Queue,
    User,
    Workload,
)
from tui.api.vocabulary import UNAUTHENTICATED


class CrmClient:
    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        timeout: float = 15,
        **httpx_options: Any,
    ) -> None:
        """`httpx_options` go to httpx.AsyncClient: tests pass an ASGI transport there to
        reach an in-process server."""
        self.url = url
        self.token = token
        self.user: User | None = None
        self._transport = HTTPXAsyncTransport(url, timeout=timeout, **httpx_options)
        self._client = Client(transport=self._transport, execute_timeout=timeout)
        self._session: Any = None

    async def close(self) -> None:
        if self._session is not None:
            self._session = None
            await self._client.close_async()

    async def _execute(self, document: str, variables: dict[str, Any] | None = None) -> Any:
        if self._session is None:
            try:
                self._session = await self._client.connect_async()
            except (httpx.HTTPError, OSError) as exc:
                raise ServerUnreachable(self.url, str(exc) or type(exc).__name__) from exc
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        request = GraphQLRequest(document, variable_values=variables or {})
        try:
            return await self._session.execute(request, extra_args={"headers": headers})
        except TransportQueryError as exc:
            codes = [((e.get("extensions") or {}).get("code")) for e in exc.errors or []]
            if UNAUTHENTICATED in codes:
                raise NotAuthenticated(str(exc)) from exc
            messages = [e.get("message", "") for e in exc.errors or []] or [str(exc)]
            raise ApiError("; ".join(messages)) from exc
        except TransportServerError as exc:
            raise ApiError(f"The server failed ({exc.code}): {exc}") from exc
        except (TransportConnectionFailed, httpx.TransportError, OSError, TimeoutError) as exc:
            raise ServerUnreachable(self.url, str(exc) or type(exc).__name__) from exc
        except TransportError as exc:
            raise ApiError(str(exc)) from exc

    async def _mutate(self, document: str, name: str, variables: dict[str, Any]) -> dict[str, Any]:
        payload: dict[str, Any] = (await self._execute(document, variables))[name]
        if payload["userErrors"]:
            raise UserErrors([_field_error(e) for e in payload["userErrors"]])
        return payload

    # --- session ------------------------------------------------------------------------

    async def login(self, username: str, password: str) -> User:
        payload = await self._mutate(
            ops.LOGIN, "login", {"username": username, "password": password}
        )
        self.token = payload["token"]
        self.user = User.parse(payload["user"])
        return self.user

    async def logout(self) -> None:
        """Revoke this token on the server; the client forgets it either way."""
        try:
            if self.token:
                await self._execute(ops.LOGOUT)
        finally:
            self.token = None
            self.user = None

    async def viewer(self) -> User:
        """Who the token belongs to; NotAuthenticated when it is no longer valid."""
        data = await self._execute(ops.VIEWER)
        if not data["viewer"]:
            raise NotAuthenticated("The session has ended.")
        self.user = User.parse(data["viewer"])
        return self.user

    # --- the queue ----------------------------------------------------------------------

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
        flt = {k: v for k, v in (("regions", regions), ("grades", grades), ("kinds", kinds)) if v}
        data = await self._execute(
            ops.QUEUE,
            {
                "userId": user_id,
                "day": day.isoformat() if day else None,
                "filter": flt or None,
                "first": first,
            },
        )
        if data["followUpQueue"] is None:
            raise ApiError("You may not see that queue.")
        return Queue.parse(data["followUpQueue"])

    async def team(self, day: date | None = None) -> list[Workload]:
        data = await self._execute(ops.TEAM, {"day": day.isoformat() if day else None})
        return [
            Workload(
                User.parse(w["user"]), w["overdueCount"], w["dueTodayCount"], w["outOfCadenceCount"]
            )
            for w in data["followUpTeam"]
        ]

    async def cadences(self) -> Cadences:
        s = (await self._execute(ops.COMPANY_SETTINGS))["companySettings"]
        return Cadences({g: s[f"cadence{g}Days"] for g in "ABCDE"}, s["timezone"])

    async def customer_for_log(self, customer_id: str) -> CustomerForLog:
        c = (await self._execute(ops.CUSTOMER_CONTACTS, {"id": customer_id}))["customer"]
        if c is None:
            raise ApiError("That customer is not visible to you.")
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

    # --- customers ----------------------------------------------------------------------

    async def customers(
        self, search: str = "", *, after: str | None = None, first: int = 50, **filters: Any
    ) -> CustomerPage:
        """One page of the customers the viewer may see; `after` continues a list."""
        flt = {k: v for k, v in {"search": search.strip() or None, **filters}.items() if v}
        data = await self._execute(
            ops.CUSTOMERS, {"filter": flt or None, "first": first, "after": after}
        )
        conn = data["customers"]
        return CustomerPage(
            total=conn["totalCount"],
            rows=[CustomerRow.parse(n) for n in conn["nodes"]],
            end_cursor=conn["pageInfo"]["endCursor"],
            has_next=conn["pageInfo"]["hasNextPage"],
        )

    async def customer(self, customer_id: str) -> dict[str, Any]:
        """Everything the customer screen shows, in one request."""
        found = (await self._execute(ops.CUSTOMER, {"id": customer_id}))["customer"]
        if found is None:
            raise ApiError("That customer is not visible to you.")
        return dict(found)

    async def create_customer(self, **fields: Any) -> str:
        payload = await self._mutate(
            ops.CUSTOMER_CREATE, "customerCreate", {"input": {k: v for k, v in fields.items()}}
        )
        return str(payload["customer"]["id"])

    async def update_customer(self, customer_id: str, version: int, **changes: Any) -> int:
        """Send only the changed fields; a stale `version` raises UserErrors with code
        STALE_VERSION on the field "version". Returns the new version."""
        payload = await self._mutate(
            ops.CUSTOMER_UPDATE,
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
                ops.CONTACT_CREATE,
                "contactCreate",
                {"input": {"customerId": customer_id, **fields}},
            )
        else:
            await self._mutate(
                ops.CONTACT_UPDATE,
                "contactUpdate",
                {"input": {"id": contact_id, "version": version, **fields}},
            )

    async def timeline(self, customer_id: str, after: str | None) -> dict[str, Any]:
        """The next page of a customer's logged contacts, newest first: the connection with
        totalCount, pageInfo and nodes, as the customer screen's first page has it."""
        found = (await self._execute(ops.TIMELINE, {"id": customer_id, "after": after}))["customer"]
        if found is None:
            raise ApiError("That customer is not visible to you.")
        return dict(found["interactions"])

    async def set_contact_plan(self, customer_id: str, version: int | None, **fields: Any) -> None:
        """Create the contact plan (no `version`) or change the given fields of it; a
        `frequencyDays` of None returns the customer to its grade's cadence."""
        await self._mutate(
            ops.CONTACT_PLAN_SET,
            "contactPlanSet",
            {"input": {"customerId": customer_id, "version": version, **fields}},
        )

    async def delete_contact(self, contact_id: str) -> None:
        await self._mutate(ops.CONTACT_DELETE, "contactDelete", {"input": {"id": contact_id}})

    async def users(self, search: str = "") -> list[User]:
        data = await self._execute(ops.USERS, {"search": search.strip() or None})
        return [User.parse(u) for u in data["users"]["nodes"]]

    async def transfer_customer(self, customer_id: str, new_owner_id: str, version: int) -> None:
        await self._mutate(
            ops.CUSTOMER_TRANSFER,
            "customerTransfer",
            {"input": {"id": customer_id, "newOwnerId": new_owner_id, "version": version}},
        )

    async def archive_customer(self, customer_id: str, version: int) -> None:
        await self._mutate(
            ops.CUSTOMER_ARCHIVE,
            "customerArchive",
            {"input": {"id": customer_id, "version": version}},
        )

    # --- visits and access ----------------------------------------------------------------

    async def visit_plan(self, region: str, day: date | None = None) -> dict[str, Any] | None:
        """The day's visits in one region in route order; None when nothing is due."""
        data = await self._execute(
            ops.VISIT_PLAN, {"region": region, "day": day.isoformat() if day else None}
        )
        plan = data["visitPlan"]
        return dict(plan) if plan else None

    async def access_requests(self, status: str | None = None) -> list[dict[str, Any]]:
        data = await self._execute(ops.ACCESS_REQUESTS, {"status": status})
        return list(data["accessRequests"]["nodes"])

    async def request_access(self, customer_description: str, reason: str) -> None:
        await self._mutate(
            ops.ACCESS_REQUEST_CREATE,
            "accessRequestCreate",
            {"input": {"customerDescription": customer_description, "reason": reason}},
        )

    async def grant_access(self, request_id: str, customer_id: str, days: int, note: str) -> None:
        await self._mutate(
            ops.ACCESS_REQUEST_GRANT,
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
            ops.ACCESS_REQUEST_REFUSE,
            "accessRequestRefuse",
            {"input": {"requestId": request_id, "note": note}},
        )

    # --- writes -------------------------------------------------------------------------

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
    ) -> dict[str, Any]:
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
        return await self._mutate(ops.INTERACTION_LOG, "interactionLog", {"input": data})

    async def reschedule(self, follow_up_id: str, version: int, due_on: date, reason: str) -> None:
        await self._mutate(
            ops.FOLLOW_UP_RESCHEDULE,
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
        await self._mutate(
            ops.FOLLOW_UP_SKIP,
            "followUpSkip",
            {"input": {"id": follow_up_id, "version": version, "reason": reason}},
        )


def _field_error(e: dict[str, Any]) -> FieldError:
    path = [p for p in (e.get("field") or []) if p != "input"]
    return FieldError(".".join(path), e["code"], e["message"])
