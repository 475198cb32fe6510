"""A rep asks to see a customer; a manager who can see it grants time-limited read access."""

from __future__ import annotations

from datetime import timedelta

from server.domain.access.models import AccessGrant
from server.domain.shared import clock
from tests.conftest import Company, create_customer

FILE = """mutation($d: String!, $r: String!) { accessRequestCreate(input:
  {customerDescription: $d, reason: $r}) { accessRequest { id status requester { username } }
  userErrors { field code } } }"""
GRANT = """mutation($r: ID!, $c: ID!, $days: Int!) { accessRequestGrant(input:
  {requestId: $r, customerId: $c, days: $days, note: "看一周"}) {
  accessRequest { status decidedBy { username } decisionNote } grant { expiresAt }
  userErrors { field code } } }"""
READ = "query($id: ID!) { customer(id: $id) { name viewerCanEdit } }"


async def test_request_grant_read_then_expiry(company: Company) -> None:
    customer = await create_customer(company.api("r1"), name="厦门瑞丰纺织有限公司")
    r3 = company.api("r3")
    assert (await r3.data(READ, {"id": customer["id"]}))["customer"] is None
    filed = (await r3.data(FILE, {"d": "厦门那家纺织厂", "r": "他们来电询价"}))[
        "accessRequestCreate"
    ]["accessRequest"]
    assert filed["status"] == "PENDING"
    inbox = await company.api("m1").data(
        "{ accessRequests(status: PENDING) { nodes { customerDescription reason } } }"
    )
    assert inbox["accessRequests"]["nodes"] == [
        {"customerDescription": "厦门那家纺织厂", "reason": "他们来电询价"}
    ]
    # Still hidden, and r3's reach is now remembered: the grant must be seen at once anyway.
    assert (await r3.data(READ, {"id": customer["id"]}))["customer"] is None
    granted = (
        await company.api("m1").data(GRANT, {"r": filed["id"], "c": customer["id"], "days": 7})
    )["accessRequestGrant"]
    assert granted["accessRequest"] == {
        "status": "GRANTED",
        "decidedBy": {"username": "m1"},
        "decisionNote": "看一周",
    }
    assert (await r3.data(READ, {"id": customer["id"]}))["customer"] == {
        "name": "厦门瑞丰纺织有限公司",
        "viewerCanEdit": False,
    }
    listed = await r3.data("{ customers { totalCount } }")
    assert listed["customers"]["totalCount"] == 1
    # The access ends the second it expires, though the server remembers r3's reach
    # between requests (server/domain/access/reach.py).
    [grant] = await AccessGrant.all()
    with clock.standing_at(grant.expires_at - timedelta(seconds=1)):
        assert (await r3.data(READ, {"id": customer["id"]}))["customer"] is not None
    with clock.standing_at(grant.expires_at + timedelta(seconds=1)):
        assert (await r3.data(READ, {"id": customer["id"]}))["customer"] is None


async def test_grant_needs_a_valid_period_and_a_pending_request(company: Company) -> None:
    customer = await create_customer(company.api("r1"), name="某厂")
    filed = (await company.api("r3").data(FILE, {"d": "某厂", "r": "需要"}))["accessRequestCreate"][
        "accessRequest"
    ]
    m1 = company.api("m1")
    too_long = await m1.data(GRANT, {"r": filed["id"], "c": customer["id"], "days": 365})
    assert too_long["accessRequestGrant"]["userErrors"] == [
        {"field": ["input", "days"], "code": "OUT_OF_RANGE"}
    ]
    assert await AccessGrant.all().count() == 0
    await m1.data(GRANT, {"r": filed["id"], "c": customer["id"], "days": 1})
    twice = await m1.data(GRANT, {"r": filed["id"], "c": customer["id"], "days": 1})
    assert twice["accessRequestGrant"]["userErrors"][0]["code"] == "INVALID_STATE"
    assert await AccessGrant.all().count() == 1


async def test_refusal_needs_a_note_and_gives_no_access(company: Company) -> None:
    customer = await create_customer(company.api("r1"), name="某厂")
    filed = (await company.api("r3").data(FILE, {"d": "某厂", "r": "需要"}))["accessRequestCreate"][
        "accessRequest"
    ]
    refuse = """mutation($r: ID!, $n: String!) { accessRequestRefuse(input: {requestId: $r,
      note: $n}) { accessRequest { status decisionNote } userErrors { field code } } }"""
    empty = await company.api("m1").data(refuse, {"r": filed["id"], "n": " "})
    assert empty["accessRequestRefuse"]["userErrors"] == [
        {"field": ["input", "note"], "code": "REQUIRED"}
    ]
    body = await company.api("m1").data(refuse, {"r": filed["id"], "n": "不属于你的区域"})
    assert body["accessRequestRefuse"]["accessRequest"] == {
        "status": "REFUSED",
        "decisionNote": "不属于你的区域",
    }
    read = await company.api("r3").data(READ, {"id": customer["id"]})
    assert read["customer"] is None


async def test_empty_request_is_rejected(company: Company) -> None:
    body = await company.api("r3").data(FILE, {"d": "", "r": ""})
    fields = sorted(e["field"][1] for e in body["accessRequestCreate"]["userErrors"])
    assert fields == ["customerDescription", "reason"]
