"""Shared test set-up: the real app in-process, on a real database.

SQLite by default (a temporary file, migrated like the embedded default); PostgreSQL when
CRM_TEST_DATABASE_URL=postgres://… is set (its public schema is dropped and re-migrated).
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from tortoise import Tortoise

from server.domain.audit.view_log import VIEW_LOG
from server.domain.company.currency import CURRENCY
from server.domain.shared import caches
from server.http.app import create_app
from server.settings import Settings, sqlite_url


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker more than the cores. The tests wait on sockets, subprocesses
    and the terminal as much as they compute (on 2 cores, 3 workers took 5 minutes where
    2 took 7)."""
    return (os.cpu_count() or 1) + 1


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker has a PostgreSQL database of its own beside the one
    named (test → test_gw0, test_gw1…), so workers never drop each other's tables. Put back
    into the environment: the commands a test runs in a subprocess read it there."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base, _, query = url.partition("?")
    head, name = base.rsplit("/", 1)
    return f"{head}/{name}_{worker}" + (f"?{query}" if query else "")


NAMED_DB = os.environ.get("CRM_TEST_DATABASE_URL", "")
TEST_DB = _worker_database(NAMED_DB)
if TEST_DB:
    os.environ["CRM_TEST_DATABASE_URL"] = TEST_DB


def tables_children_first() -> list[str]:
    """Every table the ORM knows, in an order that deletes rows before the rows they point
    to; read from the registry, so a new model is cleared without touching this file."""
    models = list(Tortoise.apps["crm"].values())
    parents = {
        m: {
            m._meta.fields_map[name].related_model  # type: ignore[attr-defined]
            for name in m._meta.fk_fields | m._meta.o2o_fields
        }
        - {m}
        for m in models
    }
    ordered: list[str] = []
    done: set[Any] = set()
    while len(done) < len(models):
        # A model is deleted once nothing left points at it.
        ready = [
            m
            for m in models
            if m not in done
            and not any(
                m in parents[other] for other in models if other not in done and other is not m
            )
        ]
        assert ready, "a cycle of foreign keys between tables"
        for m in sorted(ready, key=lambda m: m._meta.db_table):
            ordered.append(m._meta.db_table)
            done.add(m)
    return ordered


def libpq(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1).split("?", 1)[0]


async def _reset_postgres(url: str) -> None:
    import asyncpg

    if url != NAMED_DB:
        admin = await asyncpg.connect(libpq(NAMED_DB))
        try:
            await admin.execute(f'CREATE DATABASE "{libpq(url).rsplit("/", 1)[1]}"')
        except asyncpg.DuplicateDatabaseError:
            pass  # made by an earlier run: its schema is dropped below
        finally:
            await admin.close()
    conn = await asyncpg.connect(libpq(url))
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    if TEST_DB:
        return Settings(
            database_url=TEST_DB,
            auto_migrate=True,
            evidence_dir=str(tmp_path_factory.mktemp("evidence")),
            timed_work_seconds=0,
        )
    path: Path = tmp_path_factory.mktemp("db") / "test.sqlite3"
    # No timed work in the background: tests run it when they mean to (SCHEDULER.run_due).
    return Settings(database_url=sqlite_url(path), timed_work_seconds=0)


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[Any]:
    if TEST_DB:
        await _reset_postgres(TEST_DB)
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        # The server's writer of noted views flushes every second in the background; in
        # tests it would land its INSERT inside whichever request a test is counting.
        # Tests write the views when they mean to (VIEW_LOG.flush()).
        await VIEW_LOG.stop()
        CURRENCY.remember("CNY", seconds=3600)  # a new database: the default (see clean_db)
        yield application


def cold_caches() -> None:
    """Forget what the server remembers between requests (tokens, counts), so a statement
    count includes everything the first request after the caches' seconds sends."""
    caches.forget_all()
    CURRENCY.remember("CNY", seconds=3600)


@pytest.fixture(autouse=True)
async def clean_db(app: Any) -> AsyncIterator[None]:
    yield
    conn = Tortoise.get_connection("default")
    for table in tables_children_first():
        await conn.execute_script(f'DELETE FROM "{table}"')
    # Sessions, reach, counts, views noted: all of the old rows (the register names them all).
    caches.forget_all(pending_writes=True)
    # The settings row is gone: the currency is the default again. Remembered, not read:
    # a process reads it once per CRM_SESSION_CACHE_SECONDS, not once per request, so the
    # statement counts leave it out.
    CURRENCY.remember("CNY", seconds=3600)


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://crm.test") as c:
        yield c


class SqlCounter(logging.Handler):
    """Counts the SQL statements Tortoise sends, from its db_client debug log."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = str(record.msg)
        if message.startswith(("Created connection", "Closed connection")):
            return
        text = record.getMessage()
        if text.split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
            self.statements.append(text)


@pytest.fixture
def sql_counter() -> Iterator[SqlCounter]:
    logger = logging.getLogger("tortoise.db_client")
    handler = SqlCounter()
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old_level)


# --- the company every test can build -----------------------------------------------------

_PASSWORD = "correct horse battery"
_HASH: str | None = None


def password_hash() -> str:
    """The test company's password, hashed with argon2id at the cheapest cost. A hash
    carries its own cost and the server verifies at that cost, so a test of a rule (five
    guesses, then locked) checks the rule, not how fast this machine runs argon2 at the
    production cost (test_cli checks that `createuser` stores that cost)."""
    global _HASH
    if _HASH is None:
        from argon2 import PasswordHasher

        _HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(_PASSWORD)
    return _HASH


@dataclass
class Api:
    """A GraphQL client for one user (or nobody)."""

    client: httpx.AsyncClient
    token: str | None = None

    async def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = await self.post(query, variables)
        assert not body.get("errors"), body["errors"]
        return body["data"]


@dataclass
class Company:
    """Two teams: manager m1 over reps r1 and r2, manager m2 over r3; plus staff and admin."""

    client: httpx.AsyncClient
    users: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def api(self, who: str | None) -> Api:
        return Api(self.client, self.tokens.get(who) if who else None)

    def gid(self, who: str) -> str:
        from strawberry.relay import GlobalID

        return str(GlobalID("User", str(self.users[who].id)))

    async def add_user(self, name: str, role: str, manager: str | None = None) -> Any:
        from server.domain.accounts.models import ApiToken, Role, User

        user = await User.create(
            username=name,
            display_name=name.upper(),
            role=Role(role),
            manager=self.users.get(manager) if manager else None,
            password_hash=password_hash(),
        )
        token = secrets.token_urlsafe(32)
        await ApiToken.create(
            user=user,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            # As long as a login's token lives (CRM_TOKEN_TTL_HOURS' default), so a test
            # may stand days ahead (a grant's end) and still be signed in.
            expires_at=datetime.now(UTC) + timedelta(days=30),
        )
        self.users[name], self.tokens[name] = user, token
        return user


@pytest.fixture
async def company(client: httpx.AsyncClient) -> Company:
    c = Company(client)
    await c.add_user("admin", "admin")
    await c.add_user("m1", "manager")
    await c.add_user("r1", "sales_rep", "m1")
    await c.add_user("r2", "sales_rep", "m1")
    await c.add_user("m2", "manager")
    await c.add_user("r3", "sales_rep", "m2")
    await c.add_user("svc", "service")
    return c


CUSTOMER_FIELDS = """
  id version name grade stage region isKeyAccount tags isArchived viewerCanEdit
  creditLimit { amount currency } owner { username }
"""


async def create_customer(api: Api, **fields: Any) -> dict[str, Any]:
    fields.setdefault("name", "杭州机械厂")
    data = await api.data(
        f"mutation($input: CustomerCreateInput!) {{ customerCreate(input: $input) {{"
        f" customer {{ {CUSTOMER_FIELDS} }} userErrors {{ field code message }} }} }}",
        {"input": fields},
    )
    payload = data["customerCreate"]
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload["customer"]
