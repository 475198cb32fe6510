"""Benchmark: this server against PostGraphile v5 on the same PostgreSQL database, side by side.

Both run as one process on one database of N customers (3 contacts each, seeded with
`crm-server seed`), and answer the same reads over HTTP at concurrency 1 and 16, in
interleaved rounds (each round measures every server once, in alternating order, so drift on
a shared machine hits both alike):

  a. a customer by id (the columns an integrator's detail view reads);
  b. a page of 50 customers with their contacts, walking five pages by cursor;
  c. the search page of a manager of ten reps: 50 matches of "机械" with owner, contacts
     and totalCount, walking five pages.

This server answers as the manager: its visibility rule applies to every read. PostGraphile
has no such rule; for (c) it is given the same restriction as an argument (a SQL function
over the manager's owner ids, created by this script), for (a) and (b) it reads unscoped.
Beside each, the raw-SQL floor: the same rows fetched by asyncpg with one statement per
request (two for (c): page and count), at the same concurrency; and for (a) the Python
floor over HTTP: a bare ASGI app under the same uvicorn answering with one asyncpg statement
(bench/python_floor.py), what the runtime allows before any framework or GraphQL.

PostGraphile and, where the machine's Node.js is older than 22 (PostGraphile 5 needs 22),
Node.js 22 itself are installed from the npm registry into bench/.postgraphile on first use.
Without node or npm, PostGraphile is skipped with a message and the rest still runs.

    python bench/vs_postgraphile.py                 # 100,000 customers, 3 rounds of 5 s
    python bench/vs_postgraphile.py --customers 20000 --rounds 1 --seconds 2

Prints JSON. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_page import (  # noqa: E402
    LOGIN,
    crm,
    free_port,
    percentile,
    uvicorn,
)
from search_page import run_server as start_ours  # noqa: E402

PGL_DIR = ROOT / "bench" / ".postgraphile"
PG_ADMIN_URL = os.environ.get("CRM_BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_BENCH_DB = os.environ.get("CRM_BENCH_PG_DB", "crm_bench")
SEARCH = "机械"
TARGETS = {"a": 0.5, "b": 0.3, "c": 1.0}

CONTACT = "name title phone isDecisionMaker allyStrength"
OURS = {
    "a": "query($id: ID!) { customer(id: $id) { id name grade stage region phone email } }",
    "b": "query($after: String) { customers(first: 50, after: $after) { pageInfo { endCursor } "
    "nodes { id name grade region phone contacts { " + CONTACT + " } } } }",
    "c": "query($q: String!, $after: String) { customers(first: 50, after: $after, "
    "filter: {search: $q}) { totalCount pageInfo { endCursor } nodes { id name grade region "
    "phone owner { displayName } contacts { " + CONTACT + " } } } }",
}
PGL = {
    "a": "query($id: Int!) { customerByRowId(rowId: $id) { rowId name grade stage region phone "
    "email } }",
    "b": "query($after: Cursor) { allCustomers(first: 50, after: $after, orderBy: [NAME_ASC, "
    "PRIMARY_KEY_ASC]) { pageInfo { endCursor } nodes { rowId name grade region phone "
    "contactsByCustomerId(orderBy: [PRIMARY_KEY_ASC]) { nodes { " + CONTACT + " } } "
    "} } }",
    "c": "query($owners: [Int], $q: String, $after: Cursor) { benchSearch(owners: $owners, "
    "needle: $q, first: 50, after: $after, orderBy: [NAME_ASC, ROW_ID_ASC]) { totalCount "
    "pageInfo { endCursor } nodes { rowId name grade region phone appUserByOwnerId { "
    "displayName } contactsByCustomerId(orderBy: [PRIMARY_KEY_ASC]) { nodes { "
    + CONTACT
    + " } } } } }",
}

# PostGraphile's view of the manager's search (c): the same conditions this server applies,
# as a function it exposes as a connection that it may order (`@behavior +order`) and page
# by cursor; PostgreSQL inlines the function, so indexes apply. A two-character needle has no
# trigram: strpos, as this server uses, keeps the planner off the trigram index (see
# server/domain/customers/search.py); the raw-SQL floor does the same.
PGL_FUNCTION = """
CREATE OR REPLACE FUNCTION bench_search(owners int[], needle text) RETURNS SETOF customer
LANGUAGE sql STABLE AS $$
  SELECT * FROM customer
  WHERE owner_id = ANY(owners) AND archived_at IS NULL AND strpos(search_text, needle) > 0
$$;
COMMENT ON FUNCTION bench_search(int[], text) IS E'@behavior +order';
"""

FLOOR = {
    "a": "SELECT id, name, grade, stage, region, phone, email FROM customer WHERE id = $1 "
    "AND (owner_id = ANY($2::int[]))",
    "b": """WITH page AS (SELECT id, name, grade, region, phone FROM customer
              WHERE owner_id = ANY($1::int[]) AND archived_at IS NULL ORDER BY name, id LIMIT 50)
            SELECT page.*, c.name, c.title, c.phone, c.is_decision_maker, c.ally_strength
            FROM page LEFT JOIN contact c ON c.customer_id = page.id
            ORDER BY page.name, page.id, c.name, c.id""",
    "c": """WITH page AS (SELECT id, name, grade, region, phone, owner_id FROM customer
              WHERE owner_id = ANY($1::int[]) AND archived_at IS NULL
                AND strpos(search_text, $2) > 0 ORDER BY name, id LIMIT 50)
            SELECT page.*, u.display_name, c.name, c.title, c.phone, c.is_decision_maker,
                   c.ally_strength
            FROM page JOIN app_user u ON u.id = page.owner_id
            LEFT JOIN contact c ON c.customer_id = page.id
            ORDER BY page.name, page.id, c.name, c.id""",
    "c_count": "SELECT count(*) FROM customer WHERE owner_id = ANY($1::int[]) "
    "AND archived_at IS NULL AND strpos(search_text, $2) > 0",
}


# -- a small keep-alive HTTP/1.1 client: the load generator must cost little next to the
# servers, which share this machine's cores with it.


class Http:
    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.headers = headers
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: bytes) -> bytes:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        head = [
            "POST /graphql HTTP/1.1",
            f"Host: 127.0.0.1:{self.port}",
            "Content-Type: application/json",
            "Accept: application/json",
            f"Content-Length: {len(body)}",
            *(f"{k}: {v}" for k, v in self.headers.items()),
        ]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        status = await self.reader.readline()
        length, chunked = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        if chunked:
            parts = []
            while (size := int((await self.reader.readline()).strip(), 16)) > 0:
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            await self.reader.readline()
            data = b"".join(parts)
        else:
            data = await self.reader.readexactly(length)
        if b" 200 " not in status:
            raise RuntimeError(f"{status!r}: {data[:300]!r}")
        return data

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


@dataclass
class Result:
    rps: float
    p50_ms: float
    p95_ms: float


async def load(
    make: Callable[[], Awaitable[Callable[[int], Awaitable[Any]]]],
    concurrency: int,
    seconds: float,
) -> Result:
    """Run `concurrency` workers, each sending request after request for `seconds`."""
    latencies: list[float] = []
    stop = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        send = await make()
        i = offset
        while time.perf_counter() < stop:
            started = time.perf_counter()
            await send(i)
            latencies.append(time.perf_counter() - started)
            i += concurrency

    began = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(concurrency)))
    elapsed = time.perf_counter() - began
    return Result(
        rps=round(len(latencies) / elapsed, 1),
        p50_ms=round(percentile(latencies, 0.5) * 1000, 2),
        p95_ms=round(percentile(latencies, 0.95) * 1000, 2),
    )


def graphql_sender(
    port: int, headers: dict[str, str], bodies: list[bytes], check: bytes
) -> Callable[[], Awaitable[Callable[[int], Awaitable[Any]]]]:
    async def make() -> Callable[[int], Awaitable[Any]]:
        http = Http(port, headers)

        async def send(i: int) -> None:
            data = await http.post(bodies[i % len(bodies)])
            if b'"errors"' in data[:20] or check not in data:
                raise RuntimeError(data[:300].decode(errors="replace"))

        return send

    return make


# -- setting up


def wait_for(port: int, proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"{what} exited: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{what} did not start")


def bench_url() -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_BENCH_DB}"


async def prepare_database(customers: int, env: dict[str, str]) -> dict[str, Any]:
    """The bench database with `customers` customers: reused when it already holds them
    (migrated to the current schema), else made afresh and seeded."""
    import asyncpg

    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", PG_BENCH_DB)
    finally:
        await admin.close()
    have = 0
    if exists:
        conn = await asyncpg.connect(bench_url())
        try:
            have = await conn.fetchval(
                "SELECT CASE WHEN to_regclass('customer') IS NULL THEN 0 "
                "ELSE (SELECT count(*) FROM customer) END"
            )
        finally:
            await conn.close()
    seeded_now = have != customers
    if seeded_now:
        admin = await asyncpg.connect(PG_ADMIN_URL)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{PG_BENCH_DB}"')
            await admin.execute(f'CREATE DATABASE "{PG_BENCH_DB}"')
        finally:
            await admin.close()
    crm(env, "migrate")
    if seeded_now:
        crm(env, "seed", "--customers", str(customers), "--reps", "50")
    conn = await asyncpg.connect(bench_url())
    try:
        await conn.execute(PGL_FUNCTION)
        manager = await conn.fetchrow(
            "SELECT id, username FROM app_user WHERE username LIKE 'bulk%_m0' ORDER BY id DESC"
        )
        team = [
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM app_user WHERE manager_id = $1", manager["id"]
            )
        ]
        owners = [manager["id"], *team]
        ids = [
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM customer WHERE owner_id = ANY($1::int[]) ORDER BY random() "
                "LIMIT 500",
                owners,
            )
        ]
        in_scope = await conn.fetchval(
            "SELECT count(*) FROM customer WHERE owner_id = ANY($1::int[])", owners
        )
    finally:
        await conn.close()
    return {
        "username": manager["username"],
        "owners": owners,
        "ids": ids,
        "in_scope": in_scope,
        "seeded_now": seeded_now,
    }


def node_for_postgraphile() -> tuple[list[str], str] | str:
    """The command that runs PostGraphile's CLI, installing it (and Node.js 22 when the
    machine's is older) from the npm registry on first use; or why it cannot run."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        return "node or npm is not installed: PostGraphile skipped"
    major = int(
        subprocess.run([node, "--version"], capture_output=True, text=True).stdout[1:].split(".")[0]
    )
    packages = ["postgraphile@^5"]
    if major < 22:
        packages.append("node@22")
    cli = PGL_DIR / "node_modules" / "postgraphile" / "dist" / "cli-run.js"
    local_node = PGL_DIR / "node_modules" / ".bin" / "node"
    if not cli.exists() or (major < 22 and not local_node.exists()):
        PGL_DIR.mkdir(parents=True, exist_ok=True)
        (PGL_DIR / "package.json").write_text('{"private": true}\n')
        done = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(PGL_DIR), *packages],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            return f"npm install failed: PostGraphile skipped ({done.stderr.strip()[-300:]})"
    runner = str(local_node) if major < 22 else node
    return [runner, str(cli)], subprocess.run(
        [runner, "--version"], capture_output=True, text=True
    ).stdout.strip()


def start_postgraphile(command: list[str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            *command,
            "--preset",
            "postgraphile/presets/amber",
            "-c",
            bench_url(),
            "-s",
            "public",
            "-p",
            str(port),
            "-n",
            "127.0.0.1",
        ],
        cwd=PGL_DIR,
        env={**os.environ, "GRAPHILE_ENV": "production"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_for(port, proc, "PostGraphile")
    return proc


def start_python_floor(setup: dict[str, Any], port: int) -> subprocess.Popen[bytes]:
    owners = ",".join(str(o) for o in setup["owners"])
    env = {**os.environ, "CRM_BENCH_PG": bench_url(), "CRM_BENCH_OWNERS": owners}
    proc = uvicorn(["python_floor:app"], env, port, cwd=ROOT / "bench")
    wait_for(port, proc, "the Python floor")
    return proc


def post_json(port: int, query: str, variables: dict[str, Any], token: str | None = None) -> Any:
    import httpx

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        f"http://127.0.0.1:{port}/graphql",
        json={"query": query, "variables": variables},
        headers=headers,
        timeout=60,
    )
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]


def walk(port: int, query: str, variables: dict[str, Any], root: str, token: str | None) -> list:
    """The cursors of the first five pages (None for the first), as a user scrolling."""
    cursors: list[str | None] = [None]
    for _ in range(4):
        data = post_json(port, query, {**variables, "after": cursors[-1]}, token)[root]
        assert len(data["nodes"]) == 50, "the data set is too small for full pages"
        cursors.append(data["pageInfo"]["endCursor"])
    return cursors


def bodies(query: str, variable_sets: list[dict[str, Any]]) -> list[bytes]:
    return [
        json.dumps({"query": query, "variables": v}, ensure_ascii=False).encode()
        for v in variable_sets
    ]


@dataclass
class Contender:
    name: str
    port: int
    headers: dict[str, str]
    requests: dict[str, list[bytes]] = field(default_factory=dict)
    checks: dict[str, bytes] = field(default_factory=dict)


async def floor(shape: str, setup: dict[str, Any], concurrency: int, seconds: float) -> Result:
    """The same rows by asyncpg, one statement per request (page and count for c)."""
    import asyncpg

    pool = await asyncpg.create_pool(bench_url(), min_size=concurrency, max_size=concurrency)
    owners, ids = setup["owners"], setup["ids"]

    async def make() -> Callable[[int], Awaitable[Any]]:
        async def send(i: int) -> None:
            async with pool.acquire() as conn:
                if shape == "a":
                    await conn.fetch(FLOOR["a"], ids[i % len(ids)], owners)
                elif shape == "b":
                    await conn.fetch(FLOOR["b"], owners)
                else:
                    await conn.fetch(FLOOR["c"], owners, SEARCH)
                    await conn.fetchval(FLOOR["c_count"], owners, SEARCH)

        return send

    try:
        return await load(make, concurrency, seconds)
    finally:
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--shapes", nargs="+", choices=["a", "b", "c"], default=["a", "b", "c"])
    args = parser.parse_args()

    env = {**os.environ, "CRM_DATABASE_URL": bench_url().replace("postgresql://", "postgres://")}
    setup = asyncio.run(prepare_database(args.customers, env))
    pgl = node_for_postgraphile()
    report: dict[str, Any] = {
        "benchmark": "this server vs PostGraphile v5, same PostgreSQL, one process each",
        "customers": args.customers,
        "viewer": f"manager of {len(setup['owners']) - 1} reps ({setup['in_scope']} customers)",
        "search": SEARCH,
        "rounds": args.rounds,
        "seconds_per_measurement": args.seconds,
    }
    procs: list[subprocess.Popen[bytes]] = []
    try:
        contenders: list[Contender] = []
        ours_port = free_port()
        procs.append(start_ours(env, ours_port))
        token = post_json(ours_port, LOGIN, {"u": setup["username"]})["login"]["token"]
        ours = Contender("crm", ours_port, {"Authorization": f"Bearer {token}"})
        from strawberry.relay import GlobalID

        gids = [str(GlobalID("Customer", str(i))) for i in setup["ids"]]
        ours.requests["a"] = bodies(OURS["a"], [{"id": g} for g in gids])
        ours.requests["b"] = bodies(
            OURS["b"], [{"after": c} for c in walk(ours_port, OURS["b"], {}, "customers", token)]
        )
        search = {"q": SEARCH}
        ours.requests["c"] = bodies(
            OURS["c"],
            [
                {**search, "after": c}
                for c in walk(ours_port, OURS["c"], search, "customers", token)
            ],
        )
        ours.checks = {"a": b'"customer":{', "b": b'"contacts"', "c": b'"totalCount"'}
        contenders.append(ours)
        if isinstance(pgl, str):
            report["postgraphile"] = pgl
        else:
            command, node_version = pgl
            report["postgraphile"] = f"PostGraphile 5 on Node.js {node_version}"
            pgl_port = free_port()
            procs.append(start_postgraphile(command, pgl_port))
            them = Contender("postgraphile", pgl_port, {})
            them.requests["a"] = bodies(PGL["a"], [{"id": i} for i in setup["ids"]])
            them.requests["b"] = bodies(
                PGL["b"],
                [{"after": c} for c in walk(pgl_port, PGL["b"], {}, "allCustomers", None)],
            )
            variables = {"owners": setup["owners"], "q": SEARCH}
            them.requests["c"] = bodies(
                PGL["c"],
                [
                    {**variables, "after": c}
                    for c in walk(pgl_port, PGL["c"], variables, "benchSearch", None)
                ],
            )
            them.checks = {
                "a": b'"customerByRowId":{',
                "b": b'"contactsByCustomerId"',
                "c": b'"totalCount"',
            }
            contenders.append(them)

        if "a" in args.shapes:
            # What the runtime allows: read (a) by a bare ASGI app under the same uvicorn.
            floor_port = free_port()
            procs.append(start_python_floor(setup, floor_port))
            bare = Contender("python_http", floor_port, {})
            bare.requests["a"] = bodies("customer by id", [{"id": i} for i in setup["ids"]])
            bare.checks = {"a": b'"customer":{'}
            contenders.append(bare)

        runs: dict[tuple[str, int, str], list[Result]] = {}
        for round_no in range(args.rounds):
            order = contenders if round_no % 2 == 0 else list(reversed(contenders))
            for shape in args.shapes:
                for concurrency in args.concurrency:
                    for who in [*order, None]:
                        if who is not None and shape not in who.requests:
                            continue
                        if who is None:
                            result = asyncio.run(floor(shape, setup, concurrency, args.seconds))
                            name = "raw_sql"
                        else:
                            make = graphql_sender(
                                who.port, who.headers, who.requests[shape], who.checks[shape]
                            )
                            result = asyncio.run(load(make, concurrency, args.seconds))
                            name = who.name
                        runs.setdefault((shape, concurrency, name), []).append(result)

        shapes: dict[str, Any] = {}
        names = {"a": "customer by id", "b": "50 customers with contacts", "c": "search page"}
        for shape in args.shapes:
            for concurrency in args.concurrency:
                row: dict[str, Any] = {}
                for name in ("crm", "postgraphile", "python_http", "raw_sql"):
                    results = runs.get((shape, concurrency, name))
                    if not results:
                        continue
                    row[name] = {
                        "rps": statistics.median(r.rps for r in results),
                        "p50_ms": statistics.median(r.p50_ms for r in results),
                        "p95_ms": statistics.median(r.p95_ms for r in results),
                        "rps_each_round": [r.rps for r in results],
                    }
                if "postgraphile" in row:
                    ratio = row["crm"]["rps"] / row["postgraphile"]["rps"]
                    row["ratio_crm_over_postgraphile"] = round(ratio, 2)
                    row["target"] = TARGETS[shape]
                    row["met"] = ratio >= TARGETS[shape]
                row["crm_share_of_floor"] = round(row["crm"]["rps"] / row["raw_sql"]["rps"], 3)
                if "python_http" in row:
                    row["crm_share_of_python_http"] = round(
                        row["crm"]["rps"] / row["python_http"]["rps"], 3
                    )
                shapes[f"{shape}. {names[shape]} @{concurrency}"] = row
        report["results"] = shapes
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
