"""Benchmark: the terminal client against a real local server (SQLite, over HTTP).

  - start: from a new Python process to the queue painted. Measured as the cost of starting
    Python and importing the client (a subprocess, cold) plus, in process, the app started
    headless with a stored token until the queue's rows are on screen.
  - scroll: keypress-to-paint while walking down the customer list over all customers
    (an administrator sees every one of N): from a `down` key event posted to the app to
    the screen's next compositor update handed to the display; further pages are fetched
    in a worker meanwhile.

    python bench/tui_client.py [--customers 100000] [--presses 300]

Prints JSON. Not a test: timings depend on the machine. Targets (issue 4): start ≤ 1.5 s,
keypress-to-paint ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_page import crm, free_port, run_server, summary  # noqa: E402

from server.settings import sqlite_url  # noqa: E402

PASSWORD = "demo1234"


def cold_import_seconds(runs: int = 5) -> float:
    """A fresh interpreter importing everything `crm` needs before its first paint."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "import tui.app, tui.screens.queue, tui.api.client"],
            cwd=ROOT,
            check=True,
        )
        best = min(best, time.perf_counter() - started)
    return best


async def queue_painted(url: str, token: str) -> float:
    from textual.widgets import DataTable

    from tui.api import CrmClient
    from tui.app import CrmApp
    from tui.screens.queue import QueueScreen

    api = CrmClient(url, token)
    started = time.perf_counter()
    app = CrmApp(api)
    async with app.run_test(size=(100, 30)) as pilot:
        while not (
            isinstance(app.screen, QueueScreen)
            and app.screen.queue is not None
            and app.screen.query_one("#rows", DataTable).row_count
        ):
            await pilot.pause(0.005)
        await pilot.pause()
        elapsed = time.perf_counter() - started
    await api.close()
    return elapsed


async def scrolling(url: str, token: str, presses: int) -> dict[str, Any]:
    from textual import events
    from textual.widgets import DataTable

    from tui.api import CrmClient
    from tui.app import CrmApp
    from tui.screens.customers import CustomersScreen

    api = CrmClient(url, token)
    app = CrmApp(api)
    samples = []
    async with app.run_test(size=(100, 30)) as pilot:
        while app.screen.__class__.__name__ != "QueueScreen":
            await pilot.pause(0.01)
        await pilot.press("c")
        while not (
            isinstance(app.screen, CustomersScreen)
            and app.screen.query_one("#customers", DataTable).row_count
        ):
            await pilot.pause(0.01)
        screen = app.screen
        table = screen.query_one("#customers", DataTable)
        await pilot.press("enter")  # from the search box into the list
        await pilot.pause()
        # The moment of paint: when the screen hands its compositor update to the display.
        painted = asyncio.Event()
        display = app._display

        def recording(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                painted.set()
            display(screen, renderable)

        app._display = recording  # type: ignore[method-assign]
        for _ in range(presses):
            painted.clear()
            started = time.perf_counter()
            app.post_message(events.Key("down", None))
            await painted.wait()
            samples.append(time.perf_counter() - started)
            await asyncio.sleep(0.02)  # a fast typist's key repeat, not a flood
        rows, total = table.row_count, screen.total
    await api.close()
    return {"keypress_to_paint": summary(samples), "rows_loaded": rows, "customers": total}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "CRM_DATABASE_URL": sqlite_url(Path(tmp) / "bench.sqlite3")}
        crm(env, "seed", "--customers", str(args.customers), "--reps", "50")
        crm(env, "seed", "--demo")
        port = free_port()
        server = run_server(env, port)
        url = f"http://127.0.0.1:{port}/graphql"
        try:

            async def run() -> dict[str, Any]:
                from tui.api import CrmClient

                tokens = {}
                for who in ("zhang", "admin"):
                    api = CrmClient(url)
                    await api.login(who, PASSWORD)
                    tokens[who] = api.token or ""
                    await api.close()
                await queue_painted(url, tokens["zhang"])  # warm the server's caches
                painted = [await queue_painted(url, tokens["zhang"]) for _ in range(5)]
                return {
                    "painted": sorted(painted)[len(painted) // 2],
                    "scroll": await scrolling(url, tokens["admin"], args.presses),
                }

            measured = asyncio.run(run())
        finally:
            server.terminate()
            server.wait(timeout=30)
    cold = cold_import_seconds()
    report = {
        "database": "sqlite",
        "start_to_queue_painted": {
            "seconds": round(cold + measured["painted"], 3),
            "python_and_imports_seconds": round(cold, 3),
            "app_to_queue_painted_seconds": round(measured["painted"], 3),
            "target_seconds": 1.5,
        },
        "customer_list_scroll": {**measured["scroll"], "target_p50_ms": 50},
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
