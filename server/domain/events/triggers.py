"""The triggers that write the outbox, generated for SQLite and PostgreSQL from one list.

Each rule is one trigger: after an insert, update or delete of a row (optionally only when
some columns changed), insert one `event` row. On PostgreSQL the trigger also calls
`pg_notify`, which the database delivers only when the transaction commits (and once per
transaction however many rows it changed): that is what wakes the other processes.

Why triggers rather than a call in each service: follow-ups alone are written from a dozen
places (interactions, tasks, class service, complaints, collections, transfers, imports),
and a forgotten call would be a change nobody hears of. The database cannot forget.

This list is the source of the SQL, not what a database runs: migrations install frozen
copies of `create_statements` (see its docstring), and a test holds the newest copy equal
to the list.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
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
    # What sets this rule apart from another of the same table, operation and kind.
    case: str = ""

    @property
    def name(self) -> str:
        """The trigger's (and on PostgreSQL its function's) name: what it is, never where it
        stands in the list, so inserting a rule renames nothing."""
        parts = ["crm_event", self.table, self.operation.lower(), self.kind, self.case]
        return "_".join(part for part in parts if part)


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
    Rule(
        "follow_up",
        "UPDATE",
        "queue",
        _assigned("OLD", "'moved'"),
        changed=("assignee_id",),
        case="moved",
    ),
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


def _insert(rule: Rule) -> str:
    columns = ["kind", *rule.values]
    values = [f"'{rule.kind}'", *rule.values.values()]
    return f"INSERT INTO event ({', '.join(columns)}) VALUES ({', '.join(values)})"


def _when(rule: Rule, postgres: bool) -> str:
    if not rule.changed:
        return ""
    differs = "IS DISTINCT FROM" if postgres else "IS NOT"
    return " WHEN (" + " OR ".join(f"OLD.{c} {differs} NEW.{c}" for c in rule.changed) + ")"


def create_statements(dialect: str, rules: Sequence[Rule] = RULES) -> list[str]:
    """The statements that install every trigger of `RULES`. A migration carries them as
    text (0015_outbox_triggers_by_name.py): the rules of the day a database was migrated
    stay what it runs, and a change of rule is a new migration with its SQL, which
    tests/server/test_outbox_triggers.py asks for."""
    statements: list[str] = []
    for rule in rules:
        name = rule.name
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


# Every trigger this module ever named starts so (positional names of old releases too).
_OURS = "LIKE 'crm!_event!_%' ESCAPE '!'"


async def installed(client: BaseDBAsyncClient) -> list[str]:
    """The statements that recreate the outbox's triggers as this database holds them now
    (functions before the triggers that call them), read from its catalogue."""
    if client.capabilities.dialect == "postgres":
        _, functions = await client.execute_query(
            "SELECT pg_get_functiondef(p.oid) FROM pg_proc p"
            " JOIN pg_namespace n ON n.oid = p.pronamespace"
            f" WHERE n.nspname = current_schema() AND p.proname {_OURS} ORDER BY p.proname"
        )
        _, created = await client.execute_query(
            "SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t"
            " JOIN pg_class c ON c.oid = t.tgrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
            f" AND t.tgname {_OURS} ORDER BY t.tgname"
        )
        return [row[0] for row in functions] + [row[0] for row in created]
    _, created = await client.execute_query(
        f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name {_OURS} ORDER BY name"
    )
    return [row[0] for row in created]


async def remove_all(client: BaseDBAsyncClient) -> None:
    """Drop every trigger (and function) of the outbox, whatever release named it."""
    if client.capabilities.dialect == "postgres":
        await client.execute_script(
            "DO $$ DECLARE r record; BEGIN"
            " FOR r IN SELECT t.tgname, c.relname FROM pg_trigger t"
            " JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            f" WHERE NOT t.tgisinternal AND n.nspname = current_schema() AND t.tgname {_OURS}"
            " LOOP EXECUTE format('DROP TRIGGER %I ON %I', r.tgname, r.relname); END LOOP;"
            " FOR r IN SELECT p.proname FROM pg_proc p"
            " JOIN pg_namespace n ON n.oid = p.pronamespace"
            f" WHERE n.nspname = current_schema() AND p.proname {_OURS}"
            " LOOP EXECUTE format('DROP FUNCTION %I()', r.proname); END LOOP; END $$"
        )
        return
    _, names = await client.execute_query(
        f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND name {_OURS}"
    )
    for row in names:
        await client.execute_script(f'DROP TRIGGER "{row[0]}"')


@asynccontextmanager
async def quiet() -> AsyncIterator[None]:
    """Bulk loading (seeds, benchmarks): no events for a million generated rows. The
    triggers the migrations installed are put back as they were, even when loading fails."""
    client = Tortoise.get_connection("default")
    kept = await installed(client)
    await remove_all(client)
    try:
        yield
    finally:
        for statement in kept:
            await client.execute_script(statement)


if __name__ == "__main__":
    # The text of a new trigger migration: `python -m server.domain.events.triggers`.
    print("OUTBOX_TRIGGERS = {")
    for dialect in ("sqlite", "postgres"):
        print(f"    {dialect!r}: [")
        for statement in create_statements(dialect):
            print(f"        {statement!r},")
        print("    ],")
    print("}")
