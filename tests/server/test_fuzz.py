"""Fuzzing the whole schema in-process: every root field, as every kind of caller, with
queries and arguments Schemathesis generates from schema.graphql (a fixed seed, so a run is
repeatable). IDs are drawn from real objects of every type, Decimals are real decimal
strings, so the generated calls reach the resolvers and services rather than stopping at the
ID check. The one thing no answer may be is an internal error, or an error without a code.

CRM_FUZZ_EXAMPLES raises the examples per operation and caller (default 6) for a deeper run.
"""

from __future__ import annotations

import os
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from strawberry.relay import GlobalID

from server.domain.accounts.models import Department
from server.domain.customers.models import Customer
from server.domain.followups.models import FollowUp, Interaction
from tests.conftest import Api, Company, create_customer
from tests.server.followup_helpers import logged

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.graphql import nodes  # noqa: E402

EXAMPLES = int(os.environ.get("CRM_FUZZ_EXAMPLES", "6"))
SCHEMA = Path(__file__).resolve().parents[2] / "schema.graphql"
# Revoking the caller's own token would turn the rest of its run anonymous.
SKIPPED = {"Mutation.logout"}
ROLES = ("admin", "m1", "r1", "r3", "svc", None)
BUDGET_SECONDS = 110


async def _world(company: Company) -> list[str]:
    """A little of everything, and the global IDs of it all."""
    api = company.api("r1")
    ids = [company.gid(name) for name in company.users]
    for name in ("杭州机械厂", "宁波模具厂"):
        customer = await create_customer(api, name=name, region="杭州")
        ids.append(customer["id"])
        contact = await api.data(
            """mutation($c: ID!) { contactCreate(input: {customerId: $c, name: "王经理",
            isDecisionMaker: true}) { contact { id } } }""",
            {"c": customer["id"]},
        )
        ids.append(contact["contactCreate"]["contact"]["id"])
        await logged(api, customer["id"], grade="B", kind="VISIT")
        order = await api.data(
            """mutation($c: ID!) { salesOrderCreate(input: {customerId: $c,
            orderedOn: "2026-11-02", lines: [{product: "模具", quantity: 2,
            unitPrice: "6000.00"}]}) { salesOrder { id } } }""",
            {"c": customer["id"]},
        )
        ids.append(order["salesOrderCreate"]["salesOrder"]["id"])
    other = await create_customer(company.api("r3"), name="别人的客户")
    ids.append(other["id"])
    for model, type_name in ((FollowUp, "FollowUp"), (Interaction, "Interaction")):
        ids += [
            str(GlobalID(type_name, str(pk)))
            for pk in await model.all().values_list("id", flat=True)
        ]
    request = await company.api("r1").data(
        """mutation { accessRequestCreate(input: {customerDescription: "别人的客户",
        reason: "接手"}) { accessRequest { id } } }"""
    )
    ids.append(request["accessRequestCreate"]["accessRequest"]["id"])
    complaint = await company.api("r1").data(
        """mutation($c: ID!) { complaintRecord(input: {customerId: $c, channel: PHONE,
        kind: MALFUNCTION, subject: "设备故障"}) { complaint { id } } }""",
        {"c": ids[len(company.users)]},
    )
    ids.append(complaint["complaintRecord"]["complaint"]["id"])
    department = await Department.create(name="客服部")
    ids.append(str(GlobalID("Department", str(department.id))))
    assert await Customer.all().count() == 3
    return ids


def _queries(strategy: Any, count: int) -> list[str]:
    """`count` generated operations, the same ones on every run."""
    found: list[str] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy)
    def collect(case: Any) -> None:
        found.append(str(case.body))

    collect()
    return found


def _operations(ids: list[str]) -> dict[str, Any]:
    """Every root field of schema.graphql as Schemathesis generates calls to it, with IDs
    drawn from `ids` and Decimals as decimal strings."""
    schemathesis.graphql.scalar("ID", st.sampled_from(ids).map(nodes.String))
    schemathesis.graphql.scalar(
        "Decimal",
        st.decimals(min_value=Decimal("-1000"), max_value=Decimal("1e12"), places=2).map(
            lambda d: nodes.String(str(d))
        ),
    )
    # A file cannot travel in a JSON body; a string where the upload belongs must be
    # refused, not crash.
    schemathesis.graphql.scalar("Upload", st.just(nodes.String("not a file")))
    schema = schemathesis.graphql.from_file(SCHEMA.read_text("utf-8"))
    return {
        op.ok().label: op.ok() for op in schema.get_all_operations() if op.ok().label not in SKIPPED
    }


def _bad_codes(body: dict[str, Any]) -> bool:
    codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
    return None in codes or "INTERNAL_SERVER_ERROR" in codes


async def test_no_generated_request_ends_in_an_internal_error(company: Company) -> None:
    ids = await _world(company)
    operations = _operations(ids)
    started = time.monotonic()
    failures: list[str] = []
    sent = 0
    for label in sorted(operations):
        queries = _queries(operations[label].as_strategy(), EXAMPLES)
        for role in ROLES:
            api: Api = company.api(role)
            for query in queries:
                body = await api.post(query)
                sent += 1
                if _bad_codes(body):
                    failures.append(f"{label} as {role}: {body.get('errors')}\n{query}")
        assert time.monotonic() - started < BUDGET_SECONDS, f"fuzzing took too long at {label}"
    assert not failures, f"{len(failures)} of {sent} requests failed:\n\n" + "\n\n".join(
        failures[:5]
    )
    assert sent >= len(operations) * len(ROLES)


# Over the WebSocket: the signed-in roles (the socket refuses anybody else), fewer examples.
SOCKET_ROLES = ("admin", "m1", "r1", "svc")
SOCKET_EXAMPLES = max(1, EXAMPLES // 3)


async def test_no_generated_request_over_the_socket_ends_in_an_internal_error(
    company: Company, app: Any
) -> None:
    """The same generated documents through graphql-transport-ws (Schemathesis speaks only
    HTTP): the socket runs each one through the same checks, so no answer may differ in
    kind from what HTTP would give, and none may be an internal error."""
    from tests.server.live_helpers import Socket, serving

    ids = await _world(company)
    operations = _operations(ids)
    started = time.monotonic()
    failures: list[str] = []
    sent = 0
    async with serving(app) as url:
        for role in SOCKET_ROLES:
            async with Socket(url, company.tokens[role]) as socket:
                for label in sorted(operations):
                    for query in _queries(operations[label].as_strategy(), SOCKET_EXAMPLES):
                        body = await socket.run(query)
                        sent += 1
                        if _bad_codes(body):
                            failures.append(f"{label} as {role}: {body.get('errors')}\n{query}")
            assert time.monotonic() - started < BUDGET_SECONDS, "fuzzing took too long"
    assert not failures, f"{len(failures)} of {sent} requests failed:\n\n" + "\n\n".join(
        failures[:5]
    )
    assert sent >= len(operations) * len(SOCKET_ROLES)
