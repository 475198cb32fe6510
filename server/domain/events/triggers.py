"""The triggers that write the outbox, generated for SQLite and PostgreSQL from one list.

Each rule is one trigger: after an insert, update or delete of a row (optionally only when
some columns changed), insert one `event` row. On PostgreSQL the trigger also calls
`pg_notify`, which the database delivers only when the transaction commits (and once per
transaction however many rows it changed): that is what wakes the other processes.

Why triggers rather than a call in each service: follow-ups alone are written from a dozen
places (interactions, tasks, class service, complaints, collections, transfers, imports),
and a forgotten call would be a change nobody hears of. The database cannot forget.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

CHANNEL = "crm_events"

_OWNER_OF = "(SELECT owner_id FROM customer WHERE id = {row}.customer_id)"


@dataclass(frozen=True)
class Rule:
    table: str
    operation: str  # INSERT, UPDATE or DELETE
    kind: str
    # Column of `event` → SQL expression over NEW / OLD.
    values: dict[str, str]
    # UPDATE only: fire when any of these columns changed.
    changed: tuple[str, ...] = ()


def _assigned(row: str, detail: str) -> dict[str, str]:
    """A follow-up or a complaint: whose it is, on which customer, at which version."""
    return {
        "customer_id": f"{row}.customer_id",
        "owner_id": _OWNER_OF.format(row=row),
        "user_id": f"{row}.assignee_id",
        "subject_id": f"{row}.id",
        "version": f"{row}.version",
        "detail": detail,
    }


def _money(row: str, detail: str) -> dict[str, str]:
    return {
        "customer_id": f"{row}.customer_id",
        "owner_id": _OWNER_OF.format(row=row),
        "subject_id": f"{row}.id",
        "detail": detail,
    }


RULES: tuple[Rule, ...] = (
    Rule("follow_up", "INSERT", "queue", _assigned("NEW", "NEW.status")),
    Rule("follow_up", "UPDATE", "queue", _assigned("NEW", "NEW.status")),
    # Moved to someone else: it left the first person's queue.
    Rule("follow_up", "UPDATE", "queue", _assigned("OLD", "'moved'"), changed=("assignee_id",)),
    Rule("follow_up", "DELETE", "queue", _assigned("OLD", "'deleted'")),
    Rule("complaint", "INSERT", "complaint", _assigned("NEW", "NEW.step")),
    Rule("complaint", "UPDATE", "complaint", _assigned("NEW", "NEW.step")),
    Rule("payment", "INSERT", "payment", _money("NEW", "'recorded'")),
    Rule("payment", "UPDATE", "payment", _money("NEW", "'reversed'"), changed=("reversed_at",)),
    Rule("credit_hold", "INSERT", "hold", _money("NEW", "'placed'")),
    Rule("credit_hold", "UPDATE", "hold", _money("NEW", "'released'"), changed=("released_at",)),
    # Every write to a case bumps its version: opened, classified, a rung, an action, closed.
    Rule("collection_case", "INSERT", "collection", _money("NEW", "'case'")),
    Rule("collection_case", "UPDATE", "collection", _money("NEW", "'case'"), changed=("version",)),
    Rule(
        "customer",
        "UPDATE",
        "customer",
        {
            "customer_id": "NEW.id",
            "owner_id": "NEW.owner_id",
            "version": "NEW.version",
            "detail": "'changed'",
        },
        changed=("version",),
    ),
    # Whom a token belongs to, or whether a user may sign in or reaches a customer, changed:
    # every process forgets what it remembered of sessions and reach (sessions.py, reach.py).
    Rule(
        "api_token",
        "UPDATE",
        "session",
        {"user_id": "NEW.user_id", "subject_id": "NEW.id", "detail": "'revoked'"},
        changed=("revoked_at",),
    ),
    Rule(
        "app_user",
        "UPDATE",
        "session",
        {"user_id": "NEW.id", "detail": "'user'"},
        changed=("is_active", "role", "manager_id"),
    ),
    Rule(
        "access_grant",
        "INSERT",
        "access",
        {"customer_id": "NEW.customer_id", "user_id": "NEW.grantee_id", "detail": "'granted'"},
    ),
    Rule(
        "access_grant",
        "UPDATE",
        "access",
        {"customer_id": "NEW.customer_id", "user_id": "NEW.grantee_id", "detail": "'changed'"},
    ),
    Rule(
        "access_grant",
        "DELETE",
        "access",
        {"customer_id": "OLD.customer_id", "user_id": "OLD.grantee_id", "detail": "'ended'"},
    ),
)


def _name(rule: Rule) -> str:
    index = RULES.index(rule)
    return f"crm_event_{rule.table}_{rule.operation.lower()}_{index}"


def _insert(rule: Rule) -> str:
    columns = ["kind", *rule.values]
    values = [f"'{rule.kind}'", *rule.values.values()]
    return f"INSERT INTO event ({', '.join(columns)}) VALUES ({', '.join(values)})"


def _when(rule: Rule, postgres: bool) -> str:
    if not rule.changed:
        return ""
    differs = "IS DISTINCT FROM" if postgres else "IS NOT"
    return " WHEN (" + " OR ".join(f"OLD.{c} {differs} NEW.{c}" for c in rule.changed) + ")"


def create_statements(dialect: str) -> list[str]:
    """The statements that install every trigger."""
    statements: list[str] = []
    for rule in RULES:
        name = _name(rule)
        if dialect == "postgres":
            statements.append(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {_insert(rule)}; PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$"
            )
            statements.append(
                f"CREATE TRIGGER {name} AFTER {rule.operation} ON {rule.table} FOR EACH ROW"
                f"{_when(rule, True)} EXECUTE FUNCTION {name}()"
            )
        else:
            statements.append(
                f"CREATE TRIGGER {name} AFTER {rule.operation} ON {rule.table} FOR EACH ROW"
                f"{_when(rule, False)} BEGIN {_insert(rule)}; END"
            )
    return statements


def drop_statements(dialect: str) -> list[str]:
    """The statements that remove every trigger."""
    statements: list[str] = []
    for rule in RULES:
        name = _name(rule)
        if dialect == "postgres":
            statements.append(f"DROP TRIGGER IF EXISTS {name} ON {rule.table}")
            statements.append(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            statements.append(f"DROP TRIGGER IF EXISTS {name}")
    return statements


async def install(client: BaseDBAsyncClient) -> None:
    """Create every trigger (a migration; after bulk loading)."""
    for statement in create_statements(client.capabilities.dialect):
        await client.execute_script(statement)


async def remove(client: BaseDBAsyncClient) -> None:
    """Drop every trigger (undoing the migration; before bulk loading)."""
    for statement in drop_statements(client.capabilities.dialect):
        await client.execute_script(statement)


@asynccontextmanager
async def quiet() -> AsyncIterator[None]:
    """Bulk loading (seeds, benchmarks): no events for a million generated rows. The
    triggers are put back afterwards, even when loading fails."""
    client = Tortoise.get_connection("default")
    await remove(client)
    try:
        yield
    finally:
        await install(client)
