"""Benchmark: live updates across server processes, and the search page with more workers.

On PostgreSQL (a fresh `crm_bench_live` database seeded with `crm-server seed`):

1. **Delivery latency.** Two `crm-server serve` processes on one database; 200 subscribers
   (`customerChanged`, graphql-transport-ws through gql), half on each process, all
   signed in as a manager who sees the customer. A writer changes that customer through
   the first process every 100 ms. For each change and each subscriber: the time from the
   writer sending the mutation to the subscriber receiving the event (the commit, the
   trigger's NOTIFY, each process's outbox read, the visibility check per subscriber and
   the WebSocket frame, all included), and from the writer's answer (the commit
   acknowledged) to the event: negative when the event beat the answer. Beside it, the
   floor: a raw asyncpg LISTEN on the same database, timed from a bare UPDATE's commit.
2. **Throughput.** `crm-server serve --workers N` for N = 1 and N = the number of cores,
   the manager's search page (50 customers with contacts) from 16 concurrent clients for
   a fixed time; requests a second. The load generator runs on the same machine and takes
   its share of the cores.

    python bench/live.py [--customers 20000] [--subscribers 200] [--changes 50] [--seconds 15]

Prints JSON. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_page import (  # noqa: E402
    LOGIN,
    QUERY,
    SEARCH,
    crm,
    free_port,
    pg_reachable,
    pg_setup,
    summary,
)

DB = "crm_bench_live"
SUBSCRIBE = "subscription($ids: [ID!]) { customerChanged(customerIds: $ids) { version } }"
UPDATE = """mutation($input: CustomerUpdateInput!) {
  customerUpdate(input: $input) { customer { version } userErrors { code message } } }"""
CUSTOMER = "query($id: ID!) { node(id: $id) { ... on Customer { id version } } }"


async def manager_and_customer(url: str) -> tuple[str, int]:
    """A manager of a team, and a customer one of the team's reps owns."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        row = await conn.fetchrow(
            "SELECT m.username, c.id FROM app_user m"
            " JOIN app_user r ON r.manager_id = m.id JOIN customer c ON c.owner_id = r.id"
            " WHERE m.username LIKE 'bulk%_m0' ORDER BY c.id LIMIT 1"
        )
        return row["username"], row["id"]
    finally:
        await conn.close()


def serve(env: dict[str, str], port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()


async def login(client: httpx.AsyncClient, url: str, username: str) -> str:
    answer = (await client.post(url, json={"query": LOGIN, "variables": {"u": username}})).json()
    return str(answer["data"]["login"]["token"])


async def subscriber(
    url: str, token: str, customer: str, seen: dict[int, list[float]], ready: asyncio.Event
) -> None:
    from gql import Client, GraphQLRequest
    from gql.transport.websockets import WebsocketsTransport

    transport = WebsocketsTransport(
        url=url.replace("http://", "ws://"),
        init_payload={"Authorization": f"Bearer {token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        connect_timeout=30,
        ack_timeout=30,
    )
    async with Client(transport=transport) as session:
        request = GraphQLRequest(SUBSCRIBE, variable_values={"ids": [customer]})
        ready.set()
        async for result in session.subscribe(request):
            seen.setdefault(result["customerChanged"]["version"], []).append(time.perf_counter())


async def latency(
    urls: list[str], username: str, customer_pk: int, subscribers: int, changes: int
) -> dict[str, Any]:
    from strawberry.relay import GlobalID

    customer = str(GlobalID("Customer", str(customer_pk)))
    async with httpx.AsyncClient(timeout=30) as client:
        token = await login(client, urls[0], username)
        headers = {"Authorization": f"Bearer {token}"}
        seen: dict[int, list[float]] = {}
        readies = [asyncio.Event() for _ in range(subscribers)]
        tasks = [
            asyncio.create_task(subscriber(urls[i % len(urls)], token, customer, seen, ready))
            for i, ready in enumerate(readies)
        ]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 120)
        await asyncio.sleep(2)  # the last subscribe messages reach their servers
        sent: dict[int, tuple[float, float]] = {}
        answer = await client.post(
            urls[0], json={"query": CUSTOMER, "variables": {"id": customer}}, headers=headers
        )
        version = answer.json()["data"]["node"]["version"]
        for i in range(changes):
            started = time.perf_counter()
            body = (
                await client.post(
                    urls[0],
                    json={
                        "query": UPDATE,
                        "variables": {
                            "input": {
                                "id": customer,
                                "version": version,
                                "region": "华南" if i % 2 else "华东",
                            }
                        },
                    },
                    headers=headers,
                )
            ).json()["data"]["customerUpdate"]
            assert not body["userErrors"], body
            version = body["customer"]["version"]
            sent[version] = (started, time.perf_counter())
            await asyncio.sleep(0.1)
        await asyncio.sleep(2)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    from_request: list[float] = []
    from_answer: list[float] = []
    missing = 0
    for v, (started, answered) in sent.items():
        arrivals = seen.get(v, [])
        missing += subscribers - len(arrivals)
        from_request += [t - started for t in arrivals]
        from_answer += [t - answered for t in arrivals]
    return {
        "subscribers": subscribers,
        "processes": len(urls),
        "changes": changes,
        "deliveries": len(from_request),
        "missing": missing,
        "from_mutation_sent": summary(from_request),
        "from_mutation_answered": summary(from_answer),
        "mutation": summary([a - s for s, a in sent.values()]),
    }


async def listen_floor(url: str, customer: int, changes: int) -> dict[str, Any]:
    """A bare LISTEN and a bare UPDATE with NOTIFY: what PostgreSQL itself takes."""
    import asyncpg

    listener = await asyncpg.connect(url)
    writer = await asyncpg.connect(url)
    arrived: asyncio.Queue[float] = asyncio.Queue()
    await listener.add_listener("bench_floor", lambda *_: arrived.put_nowait(time.perf_counter()))
    samples = []
    try:
        for _ in range(changes):
            started = time.perf_counter()
            async with writer.transaction():
                await writer.execute("UPDATE customer SET phone = phone WHERE id = $1", customer)
                await writer.execute("SELECT pg_notify('bench_floor', '')")
            samples.append(await asyncio.wait_for(arrived.get(), 5) - started)
            await asyncio.sleep(0.05)
    finally:
        await listener.close()
        await writer.close()
    return summary(samples)


async def throughput(url: str, username: str, seconds: float, concurrency: int) -> dict[str, Any]:
    async with httpx.AsyncClient(
        timeout=30, limits=httpx.Limits(max_connections=concurrency)
    ) as client:
        token = await login(client, url, username)
        headers = {"Authorization": f"Bearer {token}"}
        body = {"query": QUERY, "variables": {"q": SEARCH, "after": None}}
        samples: list[float] = []
        end = time.perf_counter() + seconds

        async def one_client() -> None:
            while time.perf_counter() < end:
                started = time.perf_counter()
                response = await client.post(url, json=body, headers=headers)
                assert response.status_code == 200 and '"errors"' not in response.text[:20]
                samples.append(time.perf_counter() - started)

        await one_client_warmup(client, url, body, headers)
        began = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    return {
        "requests_per_second": round(len(samples) / elapsed, 1),
        "latency": summary(samples),
    }


async def one_client_warmup(
    client: httpx.AsyncClient, url: str, body: dict[str, Any], headers: dict[str, str]
) -> None:
    for _ in range(20):
        await client.post(url, json=body, headers=headers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    if not pg_reachable():
        print(json.dumps({"skipped": "no PostgreSQL at 127.0.0.1:5432"}))
        return
    url = asyncio.run(pg_setup(DB))
    env = {
        **os.environ,
        "CRM_DATABASE_URL": url.replace("postgresql://", "postgres://", 1),
    }
    crm(env, "migrate")
    started = time.perf_counter()
    crm(env, "seed", "--customers", str(args.customers), "--reps", "50")
    seeded = time.perf_counter() - started
    username, customer = asyncio.run(manager_and_customer(url))
    results: dict[str, Any] = {
        "benchmark": "live updates across processes; search page by worker count",
        "database": "postgresql",
        "customers": args.customers,
        "seed_seconds": round(seeded, 1),
        "cores": os.cpu_count(),
    }

    ports = [free_port(), free_port()]
    servers = [serve(env, port) for port in ports]
    try:
        urls = [f"http://127.0.0.1:{port}/graphql" for port in ports]
        results["delivery"] = asyncio.run(
            latency(urls, username, customer, args.subscribers, args.changes)
        )
    finally:
        for server in servers:
            stop(server)
    results["delivery_floor_listen_notify"] = asyncio.run(listen_floor(url, customer, args.changes))

    cores = os.cpu_count() or 1
    results["search_page"] = {}
    for workers in sorted({1, cores}):
        port = free_port()
        server = serve(env, port, workers)
        try:
            results["search_page"][f"workers_{workers}"] = asyncio.run(
                throughput(
                    f"http://127.0.0.1:{port}/graphql", username, args.seconds, args.concurrency
                )
            )
        finally:
            stop(server)
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
