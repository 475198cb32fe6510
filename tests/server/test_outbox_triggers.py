"""The outbox's triggers as migrations install them: each rule once, named by what it is,
on a fresh database and on one that an older release left with renumbered twins.

Each database here is new and migrated in a subprocess, as an operator's `migrate` would
do it: SQLite in a temporary file, or, in the PostgreSQL leg, a database of its own next
to the test database.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import pkgutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

import server.migrations
from server.domain.events.triggers import RULES, Rule, create_statements
from server.settings import sqlite_url
from tests.conftest import TEST_DB, libpq

POSTGRES = TEST_DB.startswith(("postgres", "asyncpg"))
DIALECT = "postgres" if POSTGRES else "sqlite"


def _trigger_migrations() -> list[tuple[str, dict[str, list[str]]]]:
    """Every migration that installs a frozen list of triggers, oldest first."""
    found = []
    for module in sorted(m.name for m in pkgutil.iter_modules(server.migrations.__path__)):
        loaded = importlib.import_module(f"server.migrations.{module}")
        if hasattr(loaded, "OUTBOX_TRIGGERS"):
            found.append((module, loaded.OUTBOX_TRIGGERS))
    return found


def test_the_newest_trigger_migration_installs_the_rules() -> None:
    """A rule changed without a migration would reach no existing database: the newest
    migration's frozen text must be what the rules say today."""
    name, frozen = _trigger_migrations()[-1]
    for dialect in ("sqlite", "postgres"):
        assert frozen[dialect] == create_statements(dialect), (
            f"server/domain/events/triggers.py changed since {name}: add a migration carrying "
            "the output of `python -m server.domain.events.triggers`"
        )


def test_each_trigger_is_named_by_what_it_is() -> None:
    names = [rule.name for rule in RULES]
    assert len(set(names)) == len(names)
    for rule in RULES:
        assert rule.name.startswith(f"crm_event_{rule.table}_{rule.operation.lower()}_")
        assert rule.kind in rule.name
        assert not rule.name[-1].isdigit(), "a position is not a name"


# --- a database of its own -------------------------------------------------------------


@pytest.fixture
def fresh_url(tmp_path: Path) -> Iterator[str]:
    if not POSTGRES:
        yield sqlite_url(tmp_path / "crm.sqlite3")
        return
    name = f"crm_triggers_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = libpq(TEST_DB)

    async def run(statement: str) -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    asyncio.run(run(f"CREATE DATABASE {name}"))
    yield admin.rsplit("/", 1)[0].replace("postgresql://", "postgres://", 1) + f"/{name}"
    asyncio.run(run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


# How every script here ends: main() run, the connections closed even when it fails (an
# open aiosqlite connection would keep the subprocess from exiting).
_RUN = """
async def guarded():
    try:
        await main()
    finally:
        await Tortoise.close_connections()

asyncio.run(guarded())
"""


def _run(script: str, url: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script, url],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "CRM_DATABASE_URL": url},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


_INSTALLED = (
    """
import asyncio, json, sys
from tortoise import Tortoise
from tortoise.connection import get_connection
from server.database.db import apply_migrations, tortoise_config

async def main():
    await Tortoise.init(config=tortoise_config(sys.argv[1]))
    await apply_migrations()
    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres":
        _, rows = await conn.execute_query(
            "SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t"
            " JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE NOT t.tgisinternal AND t.tgname LIKE 'crm_event%'")
        _, functions = await conn.execute_query(
            "SELECT proname FROM pg_proc WHERE proname LIKE 'crm_event%'")
        found = {"triggers": [list(r) for r in rows], "functions": [r[0] for r in functions]}
    else:
        _, rows = await conn.execute_query(
            "SELECT name, tbl_name, sql FROM sqlite_master"
            " WHERE type = 'trigger' AND name LIKE 'crm_event%'")
        found = {"triggers": [list(r) for r in rows], "functions": []}
    print(json.dumps(found))
"""
    + _RUN
)


def test_a_fresh_database_has_every_rule_once(fresh_url: str) -> None:
    found = json.loads(_run(_INSTALLED, fresh_url))
    installed = {name: (table, sql) for name, table, sql in found["triggers"]}
    assert len(installed) == len(found["triggers"])
    assert sorted(installed) == sorted(rule.name for rule in RULES)
    for rule in RULES:
        table, sql = installed[rule.name]
        assert table == rule.table
        assert f"AFTER {rule.operation} ON" in sql
        if DIALECT == "sqlite":
            # SQLite keeps the statement's text as it was sent.
            assert [sql] == create_statements("sqlite", [rule])
        for column in rule.changed:
            assert f"OLD.{column}".lower() in sql.lower()
    if DIALECT == "postgres":
        assert sorted(found["functions"]) == sorted(rule.name for rule in RULES)


def _positional(rules: tuple[Rule, ...]) -> dict[str, list[str]]:
    """Triggers as releases before migration 0015 named them, by their place in the list:
    each name with the statements that create it."""
    named = {}
    for index, rule in enumerate(rules):
        old = f"crm_event_{rule.table}_{rule.operation.lower()}_{index}"
        named[old] = [s.replace(rule.name, old) for s in create_statements(DIALECT, [rule])]
    return named


# The rules when a database was first migrated, before collection cases announced
# themselves; and the rules when `seed --bulk` reinstalled them by today's positions.
_BEFORE_CASES = tuple(rule for rule in RULES if rule.table != "collection_case")

_TWINS = (
    """
import asyncio, json, sys
from datetime import UTC, datetime
from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget
from server.database.db import apply_migrations, tortoise_config
from server.domain.access.models import AccessGrant
from server.domain.accounts.models import ApiToken

TWINS = json.loads(sys.stdin.read())

async def main():
    await Tortoise.init(config=tortoise_config(sys.argv[1]))
    conn = get_connection("default")
    config = tortoise_config("")["apps"]
    await MigrationExecutor(conn, config).migrate(
        [MigrationTarget("crm", "0014_largest_amount_evidence_names")]
    )
    for statement in TWINS:
        await conn.execute_script(statement)
    from server.demo.seed import seed_demo
    await seed_demo()
    await apply_migrations()

    async def announced(*statements):
        await conn.execute_script("DELETE FROM event")
        for statement in statements:
            await conn.execute_script(statement)
        _, rows = await conn.execute_query("SELECT kind, detail FROM event ORDER BY id")
        return [list(r) for r in rows]

    first = "(SELECT min(id) FROM {})"
    changes = {
        "customer": await announced(
            f"UPDATE customer SET version = version + 1 WHERE id = {first.format('customer')}"),
        "follow_up": await announced(
            f"UPDATE follow_up SET version = version + 1 WHERE id = {first.format('follow_up')}"),
        "collection_case": await announced(
            "UPDATE collection_case SET version = version + 1"
            f" WHERE id = {first.format('collection_case')}"),
        "app_user": await announced(
            f"UPDATE app_user SET is_active = NOT is_active WHERE id = {first.format('app_user')}"),
    }
    user = await conn.execute_query_dict("SELECT min(id) AS id FROM app_user")
    customer = await conn.execute_query_dict("SELECT min(id) AS id FROM customer")
    now = datetime.now(UTC)
    await conn.execute_script("DELETE FROM event")
    token = await ApiToken.create(user_id=user[0]["id"], token_hash="t" * 64, expires_at=now)
    token.revoked_at = now
    await token.save()
    grant = await AccessGrant.create(
        grantee_id=user[0]["id"], customer_id=customer[0]["id"], expires_at=now
    )
    grant.expires_at = now
    await grant.save()
    await grant.delete()
    _, rows = await conn.execute_query("SELECT kind, detail FROM event ORDER BY id")
    changes["token_and_grant"] = [list(r) for r in rows]
    print(json.dumps(changes))
"""
    + _RUN
)


def test_a_database_with_renumbered_twins_announces_each_change_once(fresh_url: str) -> None:
    # `seed --bulk` dropped today's positional names and created them again; the older
    # triggers whose names differ stayed beside them.
    twins_by_name = {**_positional(_BEFORE_CASES), **_positional(RULES)}
    twins = [statement for statements in twins_by_name.values() for statement in statements]
    done = subprocess.run(
        [sys.executable, "-c", _TWINS, fresh_url],
        input=json.dumps(twins),
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "CRM_DATABASE_URL": fresh_url},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    changes = json.loads(done.stdout.strip().splitlines()[-1])
    assert changes["customer"] == [["customer", "changed"]]
    assert Counter(kind for kind, _ in changes["follow_up"]) == {"queue": 1}
    # Never heard of on a database migrated before the case rules: now once.
    assert changes["collection_case"] == [["collection", "case"]]
    assert changes["app_user"] == [["session", "user"]]
    assert changes["token_and_grant"] == [
        ["session", "revoked"],
        ["access", "granted"],
        ["access", "changed"],
        ["access", "ended"],
    ]


def test_bulk_loading_puts_back_the_triggers_it_found(fresh_url: str) -> None:
    """`triggers.quiet()` (seed --bulk, benchmarks) drops the triggers while loading and
    restores what the catalogue held, whatever the live rules say: no twin, no loss."""
    before = json.loads(_run(_INSTALLED, fresh_url))
    script = (
        """
import asyncio, sys
from tortoise import Tortoise
from server.database.db import tortoise_config
from server.domain.events.triggers import installed, quiet

async def main():
    await Tortoise.init(config=tortoise_config(sys.argv[1]))
    async with quiet():
        print("during", len(await installed(Tortoise.get_connection("default"))))
"""
        + _RUN
    )
    assert "during 0" in _run(script, fresh_url)
    after = json.loads(_run(_INSTALLED, fresh_url))
    assert sorted(after["triggers"]) == sorted(before["triggers"])
    assert sorted(after["functions"]) == sorted(before["functions"])
    assert len(after["triggers"]) == len(RULES)
