"""The WebSocket is another way in, not a way around: every operation it carries (query,
mutation or subscription) meets the same checks, budget, masking and answer as over HTTP,
and one user cannot hold the process's subscribers hostage."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from server.http.app import create_app
from server.process.hub import HUB
from server.settings import Settings
from tests.conftest import Company, create_customer
from tests.server.live_helpers import Socket, serving

QUEUE = "subscription { queueChanged { followUpId } }"


@pytest.fixture
async def url(app: Any) -> AsyncIterator[str]:
    async with serving(app) as address:
        yield address


def _aliases(n: int) -> str:
    return "{ " + " ".join(f"a{i}: viewer {{ username }}" for i in range(n)) + " }"


def _deep(levels: int) -> str:
    inner = "id"
    for _ in range(levels):
        inner = f"customer {{ contacts {{ {inner} }} }}"
    return f"{{ customers(first: 1) {{ nodes {{ {inner} }} }} }}"


def _greedy(aliases: int) -> str:
    inner = "interactions(first: 100) { nodes { customer { name } } }"
    return (
        "{ "
        + " ".join(f"a{n}: customers(first: 100) {{ nodes {{ {inner} }} }}" for n in range(aliases))
        + " }"
    )


# (what HTTP refuses, its variables): each must be refused alike over the socket.
REFUSED_OVER_HTTP = [
    pytest.param(_aliases(31), None, id="aliases"),
    pytest.param(_deep(8), None, id="depth"),
    pytest.param(_greedy(30), None, id="cost"),
    pytest.param("{ viewer { " + "username " * 6000 + "} }", None, id="tokens"),
    pytest.param(
        "query($q: String) { customers(search: $q) { totalCount } }", {"q": "a\u0000b"}, id="nul"
    ),
    pytest.param("{ customers { nodes { nmae } } }", None, id="unknown-field"),
    pytest.param(
        "query($n: Int) { customers(first: $n) { totalCount } }", {"n": 2**40}, id="variable"
    ),
    pytest.param("{ customers(first: 101) { totalCount } }", None, id="page-size"),
    pytest.param('{ customers(after: "garbage") { totalCount } }', None, id="bad-cursor"),
]


def _shape(body: dict[str, Any]) -> tuple[Any, list[tuple[str, Any]]]:
    """What a client relies on: the data, and each error's message and code."""
    errors = [(e["message"], (e.get("extensions") or {}).get("code")) for e in body["errors"]]
    return body["data"], errors


@pytest.mark.parametrize(("query", "variables"), REFUSED_OVER_HTTP)
async def test_the_socket_refuses_what_http_refuses_in_the_same_words(
    company: Company, url: str, query: str, variables: dict[str, Any] | None
) -> None:
    over_http = await company.api("r1").post(query, variables)
    assert over_http.get("errors"), over_http
    async with Socket(url, company.tokens["r1"]) as socket:
        over_socket = await socket.run(query, variables)
    assert _shape(over_socket) == _shape(over_http)
    codes = [code for _, code in _shape(over_socket)[1]]
    assert None not in codes and "INTERNAL_SERVER_ERROR" not in codes


async def test_a_subscription_document_meets_the_same_limits(company: Company, url: str) -> None:
    aliased = (
        "subscription { "
        + " ".join(f"a{i}: queueChanged {{ followUpId }}" for i in range(31))
        + " }"
    )
    async with Socket(url, company.tokens["r1"]) as socket:
        refused = await socket.run(aliased)
        nul = await socket.run(
            "subscription($c: [ID!]) { customerChanged(customerIds: $c) { version } }",
            {"c": ["\u0000"]},
        )
    assert {e["extensions"]["code"] for e in refused["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}
    assert any("aliases" in e["message"] for e in refused["errors"])
    assert [e["extensions"]["code"] for e in nul["errors"]] == ["BAD_USER_INPUT"]
    assert not HUB.inboxes  # neither started listening


async def test_an_unexpected_error_over_the_socket_is_masked(
    company: Company, url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from server.graphql.accounts import schema as accounts_schema

    async def boom(*args: object, **kwargs: object) -> Any:
        raise RuntimeError("secret detail: password=hunter2")

    monkeypatch.setattr(accounts_schema, "paginate", boom)
    caplog.set_level(logging.ERROR, logger="crm.graphql")
    async with Socket(url, company.tokens["r1"]) as socket:
        query = await socket.run("{ users { totalCount } }")
        monkeypatch.setattr(HUB, "subscribe", boom)
        stream = await socket.run(QUEUE)
    for body in (query, stream):
        [error] = body["errors"]
        assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
        request_id = error["extensions"]["requestId"]
        assert error["message"] == f"Internal server error (request id {request_id})."
        assert "hunter2" not in str(body)
    assert any(r.exc_info and "hunter2" in str(r.exc_info[1]) for r in caplog.records)


async def test_the_time_budget_holds_over_the_socket(
    app: Any, company: Company, settings: Settings
) -> None:
    slow = create_app(replace(settings, request_time_budget_seconds=1e-6), manage_orm=False)
    async with serving(slow) as address, Socket(address, company.tokens["r1"]) as socket:
        body = await socket.run("{ customers { totalCount } }")
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["TIME_BUDGET_EXCEEDED"]


async def test_a_mutation_over_the_socket_is_a_mutation(company: Company, url: str) -> None:
    """It writes, answers as over HTTP, and a subscriber hears of it."""
    customer = await create_customer(company.api("r1"), name="宁波轴承厂")
    rename = """mutation($i: CustomerUpdateInput!) { customerUpdate(input: $i) {
      customer { id name version } userErrors { code } } }"""
    change = {"i": {"id": customer["id"], "version": customer["version"], "name": "宁波轴承"}}
    async with Socket(url, company.tokens["r1"]) as socket:
        listening = await socket.start("subscription { customerChanged { customerId version } }")
        for _ in range(100):
            if HUB.inboxes:
                break
            await asyncio.sleep(0.01)
        body = await socket.run(rename, change)
        updated = body["data"]["customerUpdate"]
        assert updated["userErrors"] == []
        assert updated["customer"]["name"] == "宁波轴承"
        heard = await socket.answer(listening)
    assert heard["payload"]["data"]["customerChanged"] == {
        "customerId": customer["id"],
        "version": updated["customer"]["version"],
    }


async def test_one_user_holds_a_bounded_number_of_subscriptions(company: Company, url: str) -> None:
    limit = HUB.max_per_user
    token = company.tokens["r1"]
    per_socket = 20  # what one connection may hold (Strawberry's own bound)
    sockets = [Socket(url, token) for _ in range(limit // per_socket + 1)]
    for socket in sockets:
        await socket.__aenter__()
    try:
        started = [(s, await s.start(QUEUE)) for s in sockets for _ in range(per_socket)]

        def refusals() -> list[dict[str, Any]]:
            queued = [m for s, op in started for m in list(s.answers[op]._queue)]  # type: ignore[attr-defined]
            return [m for m in queued if m["type"] != "complete"]

        for _ in range(300):
            if len(refusals()) >= len(started) - limit:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)  # and no more than that
        refused = refusals()
        assert len(refused) == len(started) - limit
        for message in refused:
            [error] = message["payload"]["errors"]
            assert error["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
            assert str(limit) in error["message"]
        assert sum(1 for inbox in HUB.inboxes if inbox.user_id == company.users["r1"].id) == limit
        # Another user is not held back by r1's subscriptions.
        async with Socket(url, company.tokens["r2"]) as other:
            op_id = await other.start(QUEUE)
            with pytest.raises(TimeoutError):
                await other.answer(op_id, timeout=0.3)
    finally:
        for socket in sockets:
            await socket.__aexit__()
    # Closing the connections gives the subscriptions back.
    for _ in range(100):
        if not HUB.per_user.get(company.users["r1"].id):
            break
        await asyncio.sleep(0.02)
    assert not HUB.per_user.get(company.users["r1"].id)


async def test_the_process_holds_a_bounded_number_of_subscriptions(
    company: Company, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(HUB, "max_per_process", 3)
    async with Socket(url, company.tokens["r1"]) as one, Socket(url, company.tokens["r2"]) as two:
        for _ in range(3):
            await one.start(QUEUE)
        refused = await two.run(QUEUE)
    [error] = refused["errors"]
    assert error["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
