"""PostgreSQL's pooled connections: released without asyncpg's reset round trip, and safe to
be so because the server keeps no session state on them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from tortoise import Tortoise

from server.database.postgres import NoResetConnection
from tests.conftest import TEST_DB, Company

ROOT = Path(__file__).resolve().parents[2]
on_postgres = pytest.mark.skipif(
    not TEST_DB.startswith(("postgres", "asyncpg")), reason="PostgreSQL only"
)


@on_postgres
async def test_a_released_connection_costs_no_round_trip(company: Company) -> None:
    await company.api("r1").data("{ viewer { username } }")
    pool = Tortoise.get_connection("default")._pool
    async with pool.acquire() as proxy:
        raw = proxy._con
        assert isinstance(raw, NoResetConnection)
        assert raw.get_reset_query() == ""
        sent_before = raw._protocol.queries_count
    # Released above: nothing more went over the wire.
    assert raw._protocol.queries_count == sent_before


@on_postgres
async def test_a_transaction_left_open_is_still_rolled_back_on_release(company: Company) -> None:
    pool = Tortoise.get_connection("default")._pool
    async with pool.acquire() as proxy:
        raw = proxy._con
        await proxy.execute("BEGIN")
        assert proxy.is_in_transaction()
    async with pool.acquire() as again:
        if again._con is raw:
            assert not again.is_in_transaction()


def test_the_server_keeps_no_session_state_on_pooled_connections() -> None:
    """What the skipped reset would have undone must never be done: no SQL the server sends
    starts a session setting, a cursor or a LISTEN, or takes a session-level advisory lock
    (pg_advisory_xact_lock, which ends with its transaction, is fine)."""
    statement = re.compile(r"\s*(SET|RESET|LISTEN|DECLARE)\b", re.IGNORECASE)
    found = []
    for path in (ROOT / "server").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and (statement.match(node.value) or "pg_advisory_lock(" in node.value)
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]!r}")
    assert found == []
