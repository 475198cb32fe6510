"""Benchmark: the complaint board for a manager, and one step mutation, through the real
HTTP endpoint on SQLite (the embedded default).

Seeds 20,000 customers over 50 reps and 100,000 complaints with 1,000,000 step events
(`crm-server seed --customers … --complaints …`), starts `crm-server serve` as its own
process, signs in as a manager of ten reps, and times:

- the board exactly as the terminal client asks for it (tui/api/complaints.py: counts per
  step, the first 20 complaints of each step with customer, time left and assignee);
  beside it, the same answer read with raw SQL straight from the file (the two counts and
  the seven column pages): the floor no API can beat;
- a step mutation (complaintValidate), each on a different complaint waiting for
  validation.

    python bench/complaint_board.py
    python bench/complaint_board.py --complaints 20000 --requests 50

Prints JSON. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
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
    manager_and_team_sqlite,
    run_server,
    summary,
)

from server.settings import sqlite_url  # noqa: E402
from tui.api.complaints import BOARD, MUTATIONS  # noqa: E402

STEPS = ["validate", "assign", "analyse", "propose", "approve", "implement", "evaluate"]
COUNTS = """
SELECT c.step, COUNT(*), SUM(CASE WHEN c.step_due_at < ? THEN 1 ELSE 0 END)
FROM complaint c JOIN customer u ON u.id = c.customer_id
WHERE u.owner_id IN ({owners}) AND c.step IN ({steps})
GROUP BY c.step"""
COLUMN = """
SELECT c.id, c.version, c.step, c.subject, u.name, c.category, c.kind, c.severity,
       c.received_at, c.step_due_at, a.id, a.username, a.display_name
FROM complaint c JOIN customer u ON u.id = c.customer_id
LEFT JOIN app_user a ON a.id = c.assignee_id
WHERE u.owner_id IN ({owners}) AND c.step = ?
ORDER BY c.step_due_at, c.id LIMIT 20"""


def time_raw(path: Path, owners: list[int], requests: int) -> dict[str, float]:
    """The board's answer in raw SQL: the counts and the seven column pages."""
    team = ",".join(map(str, owners))
    steps = ",".join(f"'{s}'" for s in STEPS)
    counts = COUNTS.format(owners=team, steps=steps)
    column = COLUMN.format(owners=team)
    samples = []
    with sqlite3.connect(path) as db:
        for _ in range(requests):
            now = datetime.now(UTC).isoformat(sep=" ")
            started = time.perf_counter()
            found = db.execute(counts, (now,)).fetchall()
            pages = [db.execute(column, (step,)).fetchall() for step in STEPS]
            samples.append(time.perf_counter() - started)
    assert found and any(pages)
    return summary(samples)


def waiting(path: Path, owners: list[int], n: int) -> list[tuple[int, int]]:
    """Complaints of the team's customers waiting for validation: (id, version)."""
    team = ",".join(map(str, owners))
    with sqlite3.connect(path) as db:
        rows = db.execute(
            f"SELECT c.id, c.version FROM complaint c JOIN customer u ON u.id = c.customer_id "
            f"WHERE u.owner_id IN ({team}) AND c.step = 'validate' ORDER BY c.id LIMIT ?",
            (n,),
        ).fetchall()
    return [(int(a), int(b)) for a, b in rows]


def time_api(
    port: int, username: str, requests: int, to_validate: list[tuple[int, int]]
) -> dict[str, Any]:
    from strawberry.relay import GlobalID

    url = f"http://127.0.0.1:{port}/graphql"
    with httpx.Client(timeout=30) as client:
        token = client.post(url, json={"query": LOGIN, "variables": {"u": username}}).json()[
            "data"
        ]["login"]["token"]
        headers = {"Authorization": f"Bearer {token}"}
        board_samples = []
        board: dict[str, Any] = {}
        for _ in range(requests + 5):
            started = time.perf_counter()
            response = client.post(
                url, json={"query": BOARD, "variables": {"first": 20}}, headers=headers
            )
            board_samples.append(time.perf_counter() - started)
            body = response.json()
            assert "errors" not in body, body["errors"]
            board = body["data"]["complaintBoard"]
        board_samples = board_samples[5:]  # warm-up
        move_samples = []
        for pk, version in to_validate:
            variables = {"input": {"id": str(GlobalID("Complaint", str(pk))), "version": version}}
            started = time.perf_counter()
            response = client.post(
                url,
                json={"query": MUTATIONS["VALIDATE"], "variables": variables},
                headers=headers,
            )
            move_samples.append(time.perf_counter() - started)
            payload = response.json()["data"]["complaintValidate"]
            assert payload["userErrors"] == [], payload["userErrors"]
    return {
        "board_http": summary(board_samples),
        "open_on_board": board["openCount"],
        "overdue_on_board": board["overdueCount"],
        "step_mutation_http": summary(move_samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="crm-bench-"))
    db_path = tmp / "bench.sqlite3"
    env = {**os.environ, "CRM_DATABASE_URL": sqlite_url(db_path)}
    started = time.perf_counter()
    crm(env, "seed", "--customers", str(args.customers), "--reps", "50")
    crm(env, "seed", "--complaints", str(args.complaints), "--events", str(args.events))
    seed_seconds = time.perf_counter() - started
    username, owners = manager_and_team_sqlite(db_path)
    raw = time_raw(db_path, owners, args.requests)
    to_validate = waiting(db_path, owners, args.requests)
    port = free_port()
    server = run_server(env, port)
    try:
        api = time_api(port, username, args.requests, to_validate)
    finally:
        server.terminate()
        server.wait(10)
    board = api["board_http"]
    print(
        json.dumps(
            {
                "benchmark": "complaint board and a step mutation, SQLite",
                "customers": args.customers,
                "complaints": args.complaints,
                "step_events": args.complaints * args.events,
                "seed_seconds": round(seed_seconds, 1),
                "viewer": "manager of 10 reps",
                **api,
                "raw_sql_floor": raw,
                "ratio_p50": round(board["p50_ms"] / raw["p50_ms"], 2) if raw["p50_ms"] else None,
                "targets": {"board_p50_ms": 30, "step_mutation_p50_ms": 15},
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
