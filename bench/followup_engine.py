"""Benchmark: the follow-up engine at volume, on SQLite (the embedded default) or PostgreSQL.

Seeds N customers (default 100,000 over 50 reps: 2,000 each), 10 logged contacts per
customer (1,000,000), one open cadence follow-up each and 300,000 sales orders, starts the
real server, and times over HTTP:
  - the queue of one rep (overdue page of 50 with customer, last contact, decision maker and
    ally; due-today and upcoming counts), beside one raw SQL query for the same rows;
  - logging a contact (interactionLog), beside the same writes as raw SQL in one transaction;
  - recomputing the ABC classes (customerClassesRecompute), beside the raw aggregate.

    python bench/followup_engine.py [--db sqlite|postgres|both] [--customers 100000]
                                    [--requests 200]

Prints JSON. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_page import (  # noqa: E402
    LOGIN,
    crm,
    free_port,
    pg_setup,
    run_on_databases,
    run_server,
    summary,
)

from server.settings import sqlite_url  # noqa: E402

QUEUE = """{ followUpQueue { overdue(first: 50) { totalCount nodes { id dueOn purpose kind
  customer { name grade abcClass isVip isKeyAccount lastContact { at kind summary }
    decisionMaker { name phone } strongestAlly { name phone } } } }
  dueToday { totalCount } upcoming { totalCount } neglectedCount } }"""
LOG = """mutation($input: InteractionLogInput!) { interactionLog(input: $input) {
  interaction { id } nextFollowUp { dueOn } userErrors { code } } }"""
RECOMPUTE = """mutation { customerClassesRecompute { scheduledFollowUps
  analysis { rankedCustomers } userErrors { code } } }"""

RAW_QUEUE = """
WITH page AS (
  SELECT f.id, f.due_on, f.purpose, f.kind, c.id AS cid, c.name, c.grade, c.abc_class, c.is_vip,
         c.is_key_account, c.last_contact_at, c.last_contact_kind, c.last_contact_summary
  FROM follow_up f JOIN customer c ON c.id = f.customer_id
  WHERE f.assignee_id = ? AND f.status = 'open' AND f.due_on < ? AND c.archived_at IS NULL
  ORDER BY f.due_on, c.grade, c.is_key_account DESC, c.is_vip DESC, c.class_rank, f.id
  LIMIT 50
)
SELECT page.*, k.name, k.phone, k.is_decision_maker, k.ally_strength
FROM page LEFT JOIN contact k ON k.customer_id = page.cid
"""


def seed(env: dict[str, str], customers: int) -> dict[str, float]:
    started = time.perf_counter()
    crm(env, "seed", "--customers", str(customers), "--reps", "50")
    seeded_customers = time.perf_counter() - started
    started = time.perf_counter()
    crm(env, "seed", "--activity", "10", "--orders", str(customers * 3))
    return {
        "customers_s": round(seeded_customers, 1),
        "activity_s": round(time.perf_counter() - started, 1),
    }


class RawDb:
    """Plain SQL straight to the database the server uses: the floor beside each API figure.

    SQL is written with `?` placeholders; on PostgreSQL they become $1, $2… and the calls
    go through asyncpg on a loop of this object's own."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.pg = url.startswith("postgres")
        if self.pg:
            import asyncpg

            self.loop = asyncio.new_event_loop()
            self.conn = self.loop.run_until_complete(
                asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
            )
        else:
            path = url.removeprefix("sqlite://").split("?", 1)[0]
            self.db = sqlite3.connect(path, isolation_level=None)

    def close(self) -> None:
        if self.pg:
            self.loop.run_until_complete(self.conn.close())
            self.loop.close()
        else:
            self.db.close()

    def _sql(self, sql: str) -> str:
        if not self.pg:
            return sql
        count = iter(range(1, 1000))
        return re.sub(r"\?", lambda _: f"${next(count)}", sql)

    def _args(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        # asyncpg wants dates and datetimes; SQLite holds them as ISO text.
        if self.pg:
            return args
        return tuple(a.isoformat() if isinstance(a, date | datetime) else a for a in args)

    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        if self.pg:
            found = self.loop.run_until_complete(self.conn.fetch(self._sql(sql), *args))
            return [tuple(r) for r in found]
        return self.db.execute(sql, self._args(args)).fetchall()

    def transaction(self, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
        """Run statements in one transaction; "{last}" in an argument list stands for the
        id the previous statement returned."""

        async def pg() -> None:
            last = None
            async with self.conn.transaction():
                for sql, args in statements:
                    values = tuple(last if a == "{last}" else a for a in args)
                    found = await self.conn.fetchval(self._sql(sql), *values)
                    last = found if found is not None else last

        if self.pg:
            self.loop.run_until_complete(pg())
            return
        last = None
        self.db.execute("BEGIN")
        for sql, args in statements:
            values = tuple(last if a == "{last}" else a for a in self._args(args))
            row = self.db.execute(sql, values).fetchone()
            last = row[0] if row else last
        self.db.execute("COMMIT")


def busiest_rep(raw: RawDb) -> tuple[str, int, str, list[int]]:
    rep_id, username, manager = raw.rows(
        """SELECT u.id, u.username, m.username FROM app_user u
        JOIN app_user m ON m.id = u.manager_id JOIN customer c ON c.owner_id = u.id
        WHERE u.role = 'sales_rep' GROUP BY u.id, u.username, m.username
        ORDER BY COUNT(*) DESC LIMIT 1"""
    )[0]
    customers = [r[0] for r in raw.rows("SELECT id FROM customer WHERE owner_id = ?", rep_id)]
    return username, rep_id, manager, customers


def token(client: httpx.Client, url: str, username: str) -> dict[str, str]:
    body = client.post(url, json={"query": LOGIN, "variables": {"u": username}}).json()
    return {"Authorization": f"Bearer {body['data']['login']['token']}"}


def timed(
    client: httpx.Client,
    url: str,
    headers: dict[str, str],
    query: str,
    variables: dict[str, Any] | None = None,
) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = client.post(
        url, json={"query": query, "variables": variables or {}}, headers=headers
    )
    elapsed = time.perf_counter() - started
    body = response.json()
    assert response.status_code == 200 and not body.get("errors"), body
    return elapsed, body["data"]


def customer_gid(pk: int) -> str:
    from strawberry.relay import GlobalID

    return str(GlobalID("Customer", str(pk)))


def raw_queue(raw: RawDb, rep_id: int, requests: int) -> dict[str, float]:
    today = datetime.now(UTC).date()
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        rows = raw.rows(RAW_QUEUE, rep_id, today)
        samples.append(time.perf_counter() - started)
    assert rows
    return summary(samples)


def raw_log(raw: RawDb, rep_id: int, customers: list[int]) -> dict[str, float]:
    """The writes interactionLog makes, as plain SQL in one transaction per contact."""
    samples = []
    now = datetime.now(UTC)
    due = date.today() + timedelta(days=7)
    for cid in customers:
        started = time.perf_counter()
        raw.transaction(
            [
                (
                    "UPDATE customer SET grade = 'B', last_contact_at = ? WHERE id = ?",
                    (now, cid),
                ),
                (
                    """INSERT INTO interaction (customer_id, author_id, kind, occurred_at,
                    summary, needs, problems, outcome, next_step, grade_before, grade_after,
                    created_at)
                    VALUES (?, ?, 'phone', ?, '', '', '', '', '', 'B', 'B', ?) RETURNING id""",
                    (cid, rep_id, now, now),
                ),
                (
                    """INSERT INTO interaction_participant (interaction_id, user_id)
                    VALUES (?, ?)""",
                    ("{last}", rep_id),
                ),
                (
                    """UPDATE follow_up SET status = 'done', open_slot = NULL,
                    interaction_id = ? WHERE customer_id = ? AND status = 'open'""",
                    ("{last}", cid),
                ),
                (
                    """INSERT INTO follow_up (customer_id, assignee_id, due_on, kind, origin,
                    open_slot, purpose, version, expected_products, preparation_notes,
                    status, skip_reason, reschedule_count, reschedule_reason, created_at,
                    updated_at) VALUES (?, ?, ?, 'phone', 'cadence', ?, '', 1, '', '', 'open',
                    '', 0, '', ?, ?)""",
                    (cid, rep_id, due, f"{cid}:cadence", now, now),
                ),
            ]
        )
        samples.append(time.perf_counter() - started)
    return summary(samples)


def raw_abc(raw: RawDb) -> float:
    start = date.today() - timedelta(days=365)
    started = time.perf_counter()
    rows = raw.rows(
        "SELECT customer_id, SUM(total_minor) FROM sales_order WHERE ordered_on >= ? "
        "GROUP BY customer_id",
        start,
    )
    rows.sort(key=lambda r: (-r[1], r[0]))
    return time.perf_counter() - started


def bench_one(kind: str, customers_n: int, requests: int) -> dict[str, Any]:
    tmp = tempfile.mkdtemp(prefix="crm-bench-")
    env = {**os.environ}
    if kind == "sqlite":
        env["CRM_DATABASE_URL"] = sqlite_url(Path(tmp) / "bench.sqlite3")
    else:
        pg_url = asyncio.run(pg_setup())
        env["CRM_DATABASE_URL"] = pg_url.replace("postgresql://", "postgres://", 1)
        crm(env, "migrate")
    seeding = seed(env, customers_n)
    raw = RawDb(env["CRM_DATABASE_URL"])
    try:
        username, rep_id, manager, customers = busiest_rep(raw)
        port = free_port()
        server = run_server(env, port)
        url = f"http://127.0.0.1:{port}/graphql"
        try:
            with httpx.Client(timeout=120) as client:
                rep = token(client, url, username)
                # Classes first, so the queue sorts on real classes and VIP flags.
                boss = token(client, url, manager)
                recompute_s, data = timed(client, url, boss, RECOMPUTE)
                ranked = data["customerClassesRecompute"]["analysis"]["rankedCustomers"]
                for _ in range(5):
                    timed(client, url, rep, QUEUE)
                queue_samples, overdue = [], 0
                for _ in range(requests):
                    elapsed, data = timed(client, url, rep, QUEUE)
                    queue_samples.append(elapsed)
                    overdue = data["followUpQueue"]["overdue"]["totalCount"]
                log_samples = []
                logged_on = customers[: min(len(customers), requests)]
                for cid in logged_on:
                    elapsed, data = timed(
                        client,
                        url,
                        rep,
                        LOG,
                        {
                            "input": {
                                "customerId": customer_gid(cid),
                                "kind": "PHONE",
                                "grade": "B",
                                "outcome": "问了报价",
                            }
                        },
                    )
                    assert data["interactionLog"]["userErrors"] == []
                    log_samples.append(elapsed)
        finally:
            server.terminate()
            server.wait(timeout=30)
        return {
            "customers": customers_n,
            "interactions": customers_n * 10,
            "orders": customers_n * 3,
            "seed_seconds": seeding,
            "rep": {"customers": len(customers), "overdue": overdue},
            "queue": {
                "api": summary(queue_samples),
                "raw_sql_floor": raw_queue(raw, rep_id, requests),
                "target_p50_ms": 30,
            },
            "interaction_log": {
                "api": summary(log_samples),
                "raw_sql_floor": raw_log(
                    raw, rep_id, customers[len(logged_on) :][: len(logged_on)]
                ),
                "target_p50_ms": 15,
            },
            "abc_recompute": {
                "api_seconds": round(recompute_s, 2),
                "ranked_customers": ranked,
                "raw_sql_floor_seconds": round(raw_abc(raw), 3),
                "target_seconds": 5,
            },
        }
    finally:
        raw.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    run_on_databases(
        "follow-up engine: queue, interactionLog, ABC recompute", bench_one, default_db="sqlite"
    )


if __name__ == "__main__":
    main()
