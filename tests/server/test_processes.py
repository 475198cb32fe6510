"""Several server processes on one PostgreSQL: what one of them commits, the others hear
(LISTEN/NOTIFY on the outbox), a sign-in revoked through one is refused by the others at
once, and timed work runs once however many processes offer it.

Two real `crm-server serve` processes on the test database; skipped on SQLite, which is one
process by design (`serve --workers 2` refuses it).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from server.domain.events.models import TimedRun
from tests.conftest import TEST_DB, Company, create_customer
from tests.server.live_helpers import Subscriber

pytestmark = pytest.mark.skipif(
    not TEST_DB.startswith("postgres"), reason="several processes need PostgreSQL"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def servers() -> Iterator[list[str]]:
    """Two server processes; yields their base URLs."""
    ports = [_free_port(), _free_port()]
    env = {
        **os.environ,
        "CRM_DATABASE_URL": TEST_DB,
        "CRM_TIMED_WORK_SECONDS": "1",
        "CRM_LOG_FORMAT": "json",
    }
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 30
        for base, process in zip(bases, processes, strict=True):
            while True:
                assert process.poll() is None, process.stderr.read().decode()  # type: ignore[union-attr]
                try:
                    if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


async def _post(base: str, token: str, query: str, variables: Any = None) -> Any:
    async with httpx.AsyncClient(base_url=base) as client:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token}"},
        )
    return response.json()


async def _subscribed(base: str) -> None:
    """Until the process at `base` counts a live subscription (its /metrics): the other
    process's hub is not this test's to watch, its published count is."""
    started = time.monotonic()
    async with httpx.AsyncClient() as client:
        while True:
            text = (await client.get(f"{base}/metrics")).text
            counts = [line for line in text.splitlines() if line.startswith("crm_subscriptions ")]
            if counts and float(counts[0].split()[1]) >= 1:
                return
            assert time.monotonic() - started < 10, "the subscription never started"
            await asyncio.sleep(0.02)


async def test_a_change_through_one_process_reaches_a_subscriber_of_the_other(
    company: Company, servers: list[str]
) -> None:
    first, second = servers
    customer = await create_customer(company.api("r1"), name="两个进程的客户")
    url = second.replace("http", "ws") + "/graphql"
    query = "subscription { customerChanged { customerId version } }"
    async with Subscriber(url, company.tokens["m1"], query) as m1:
        await _subscribed(second)
        changed = await _post(
            first,
            company.tokens["r1"],
            """mutation($i: CustomerUpdateInput!) { customerUpdate(input: $i) {
            customer { version } userErrors { code } } }""",
            {"i": {"id": customer["id"], "version": customer["version"], "name": "改了名"}},
        )
        version = changed["data"]["customerUpdate"]["customer"]["version"]
        assert await m1.next() == {
            "customerChanged": {"customerId": customer["id"], "version": version}
        }


async def test_a_sign_in_revoked_through_one_process_is_refused_by_the_other(
    company: Company, servers: list[str]
) -> None:
    first, second = servers
    token = company.tokens["r2"]
    viewer = "{ viewer { username } }"
    # The second process now remembers the token (CRM_SESSION_CACHE_SECONDS is 10).
    assert (await _post(second, token, viewer))["data"]["viewer"] == {"username": "r2"}
    out = await _post(first, token, "mutation { logout { revoked } }")
    assert out["data"]["logout"] == {"revoked": True}
    # Refused within moments (the commit's NOTIFY), not after the cache's ten seconds.
    started = time.monotonic()
    while (await _post(second, token, viewer))["data"]["viewer"] is not None:
        assert time.monotonic() - started < 2, "the other process still accepts the token"
        await asyncio.sleep(0.05)


async def test_timed_work_runs_once_across_processes(servers: list[str]) -> None:
    # Both processes offer every job every second; an hourly job must have run once.
    await TimedRun.filter(job__in=["collection_cases", "complaints_overdue"]).delete()
    started = time.monotonic()
    # Until the per-round job has run five times in all (its row is made by its first run):
    # waiting on what happened, not on the clock, so a loaded machine only takes longer.
    overdue = None
    while overdue is None or overdue.runs < 5:
        assert time.monotonic() - started < 60, "timed work stopped running"
        await asyncio.sleep(0.1)
        overdue = await TimedRun.get_or_none(job="complaints_overdue")
    elapsed = time.monotonic() - started
    # The hourly job ran once, whichever process claimed it.
    assert (await TimedRun.get(job="collection_cases")).runs == 1
    # Once a round in all, not once a round in each process: five runs took at least four
    # rounds of a second (in each process they would have taken about two).
    assert elapsed >= 3.5, (overdue.runs, elapsed)
