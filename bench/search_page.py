"""Benchmark: one page of a customer search through the real HTTP endpoint.

Seeds a database with N customers (3 contacts each) using `crm-server seed`, starts
`crm-server serve` as a separate process, logs in as a manager of ten reps, and times a
search page of 50 customers with owner and contacts. Beside it, the same rows fetched with
one raw SQL query straight from the database: the floor no API can beat.

    python bench/search_page.py                       # SQLite and, if reachable, PostgreSQL
    python bench/search_page.py --db sqlite --customers 20000

Prints JSON. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.settings import sqlite_url  # noqa: E402

PG_ADMIN_URL = os.environ.get("CRM_BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_BENCH_DB = "crm_bench"
SEARCH = "机械"

LOGIN = 'mutation($u: String!) { login(input: {username: $u, password: "demo1234"}) { token } }'
QUERY = """query($q: String!, $after: String) {
  customers(first: 50, after: $after, filter: {search: $q}) {
    totalCount pageInfo { endCursor hasNextPage }
    nodes { id name grade region phone owner { displayName }
            contacts { name title phone isDecisionMaker allyStrength } } } }"""

RAW = """
WITH page AS (
  SELECT * FROM customer
  WHERE owner_id IN ({owners}) AND archived_at IS NULL AND search_text LIKE {like}
  ORDER BY name, id LIMIT 50
)
SELECT page.id, page.name, page.grade, page.region, page.phone, u.display_name,
       c.name, c.title, c.phone, c.is_decision_maker, c.ally_strength
FROM page JOIN app_user u ON u.id = page.owner_id
LEFT JOIN contact c ON c.customer_id = page.id
ORDER BY page.name, page.id, c.name, c.id
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(samples, 0.5) * 1000, 2),
        "p95_ms": round(percentile(samples, 0.95) * 1000, 2),
        "mean_ms": round(statistics.fmean(samples) * 1000, 2),
        "samples": len(samples),
    }


def crm(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "server", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def uvicorn(
    target: list[str], env: dict[str, str], port: int, cwd: Path = ROOT
) -> subprocess.Popen[bytes]:
    """uvicorn serving `target` (an app, or `--factory` and a factory) on 127.0.0.1:port."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            *target,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def run_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    proc = uvicorn(["--factory", "server.http.app:create_app"], env, port)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


def time_api(port: int, username: str, requests: int) -> tuple[dict[str, float], int]:
    url = f"http://127.0.0.1:{port}/graphql"
    with httpx.Client(timeout=30) as client:
        login = client.post(
            url,
            json={
                "query": LOGIN,
                "variables": {"u": username},
            },
        ).json()
        token = login["data"]["login"]["token"]
        headers = {"Authorization": f"Bearer {token}"}
        # Walk forward through the result pages, as a user scrolling does.
        cursors: list[str | None] = [None]
        total = 0
        for _ in range(5):
            body = client.post(
                url,
                json={"query": QUERY, "variables": {"q": SEARCH, "after": cursors[-1]}},
                headers=headers,
            ).json()
            page = body["data"]["customers"]
            total = page["totalCount"]
            assert len(page["nodes"]) == 50, "the data set is too small for full pages"
            cursors.append(page["pageInfo"]["endCursor"])
        samples = []
        for i in range(requests):
            variables = {"q": SEARCH, "after": cursors[i % len(cursors)]}
            started = time.perf_counter()
            response = client.post(
                url, json={"query": QUERY, "variables": variables}, headers=headers
            )
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200 and "errors" not in response.text[:20]
    return summary(samples), total


def manager_and_team_sqlite(path: Path) -> tuple[str, list[int]]:
    with sqlite3.connect(path) as db:
        manager_id, username = db.execute(
            "SELECT id, username FROM app_user WHERE username LIKE 'bulk%_m0' ORDER BY id DESC"
        ).fetchone()
        team = [
            r[0] for r in db.execute("SELECT id FROM app_user WHERE manager_id = ?", (manager_id,))
        ]
    return username, [manager_id, *team]


def time_raw_sqlite(path: Path, owners: list[int], requests: int) -> dict[str, float]:
    sql = RAW.format(owners=",".join(map(str, owners)), like="?")
    samples = []
    with sqlite3.connect(path) as db:
        for _ in range(requests):
            started = time.perf_counter()
            rows = db.execute(sql, (f"%{SEARCH}%",)).fetchall()
            samples.append(time.perf_counter() - started)
    assert rows
    return summary(samples)


async def pg_setup(name: str = PG_BENCH_DB) -> str:
    """An empty database `name` (dropped first, whoever is still connected); its URL."""
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


async def pg_team_and_raw(url: str, requests: int) -> tuple[str, list[int], dict[str, float]]:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        row = await conn.fetchrow(
            "SELECT id, username FROM app_user WHERE username LIKE 'bulk%_m0' ORDER BY id DESC"
        )
        team = [
            r["id"]
            for r in await conn.fetch("SELECT id FROM app_user WHERE manager_id = $1", row["id"])
        ]
        owners = [row["id"], *team]
        sql = RAW.format(owners=",".join(map(str, owners)), like="$1")
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            rows = await conn.fetch(sql, f"%{SEARCH}%")
            samples.append(time.perf_counter() - started)
        assert rows
        return row["username"], owners, summary(samples)
    finally:
        await conn.close()


def bench_one(kind: str, customers: int, requests: int) -> dict[str, Any]:
    env = {**os.environ}
    tmp = Path(tempfile.mkdtemp(prefix="crm-bench-"))
    if kind == "sqlite":
        db_path = tmp / "bench.sqlite3"
        env["CRM_DATABASE_URL"] = sqlite_url(db_path)
    else:
        url = asyncio.run(pg_setup())
        env["CRM_DATABASE_URL"] = url.replace("postgresql://", "postgres://", 1)
    if kind != "sqlite":
        crm(env, "migrate")
    started = time.perf_counter()
    crm(env, "seed", "--customers", str(customers), "--reps", "50")
    seed_seconds = time.perf_counter() - started
    if kind == "sqlite":
        username, owners = manager_and_team_sqlite(db_path)
        raw = time_raw_sqlite(db_path, owners, requests)
    else:
        username, owners, raw = asyncio.run(pg_team_and_raw(url, requests))
    port = free_port()
    server = run_server(env, port)
    try:
        api, total = time_api(port, username, requests)
    finally:
        server.terminate()
        server.wait(10)
    return {
        "customers": customers,
        "contacts_per_customer": 3,
        "seed_seconds": round(seed_seconds, 1),
        "viewer": "manager of 10 reps",
        "visible_matches": total,
        "search_page_http": api,
        "raw_sql_floor": raw,
        "ratio_p50": round(api["p50_ms"] / raw["p50_ms"], 2) if raw["p50_ms"] else None,
    }


def pg_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def run_on_databases(
    title: str, bench_one: Callable[[str, int, int], dict[str, Any]], default_db: str
) -> None:
    """The command line both benchmarks share: which databases, how many customers and
    requests; one JSON report with a section per database."""
    parser = argparse.ArgumentParser(description=title)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default=default_db)
    args = parser.parse_args()
    results: dict[str, Any] = {"benchmark": title}
    if args.db in ("sqlite", "both"):
        results["sqlite"] = bench_one("sqlite", args.customers, args.requests)
    if args.db in ("postgres", "both"):
        if pg_reachable():
            results["postgres"] = bench_one("postgres", args.customers, args.requests)
        else:
            results["postgres"] = {"skipped": "no PostgreSQL at 127.0.0.1:5432"}
    print(json.dumps(results, ensure_ascii=False, indent=2))


def main() -> None:
    run_on_databases(
        "customer search page, 50 rows with owner and contacts", bench_one, default_db="both"
    )


if __name__ == "__main__":
    main()
