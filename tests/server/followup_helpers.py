"""Shared steps for the follow-up and sales tests: log a contact, read the company's day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from strawberry.relay import GlobalID

from tests.conftest import Api

LOG = """mutation($input: InteractionLogInput!) { interactionLog(input: $input) {
  interaction { id kind summary gradeBefore gradeAfter satisfaction
                ourPeople { username } contactsPresent { name contact { name } } }
  customer { id version grade lastContact { kind summary } }
  completedFollowUps { id origin status completedLate }
  nextFollowUp { id dueOn origin kind purpose status assignee { username } }
  scheduledFollowUps { origin dueOn assignee { username } }
  replayed
  userErrors { field code message } } }"""


def company_today() -> date:
    """Today in the default company time zone (Asia/Shanghai)."""
    return datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date()


def pk(gid: str) -> int:
    return int(GlobalID.from_id(gid).node_id)


async def log_contact(api: Api, customer_id: str, **fields: Any) -> dict[str, Any]:
    fields.setdefault("kind", "PHONE")
    fields.setdefault("grade", "B")
    data = await api.data(LOG, {"input": {"customerId": customer_id, **fields}})
    return data["interactionLog"]


async def logged(api: Api, customer_id: str, **fields: Any) -> dict[str, Any]:
    payload = await log_contact(api, customer_id, **fields)
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload
