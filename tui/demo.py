"""`crm demo`: a throwaway server with the demo company, for trying the client in a minute.

The server runs as a child process (the client never imports server code) on a free
loopback port, with a fresh SQLite file in a temporary directory; it stops when the
client exits."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tui.i18n import _

DEMO_USER = "zhang"
DEMO_PASSWORD = "demo1234"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def demo_server(timeout: float = 60, port: int | None = None) -> Iterator[str]:
    """Start `crm-server serve --demo` (on `port`, or a free one) and yield its GraphQL URL
    once /health answers."""
    with tempfile.TemporaryDirectory(prefix="crm-demo-") as tmp:
        port = port or free_port()
        env = {
            **os.environ,
            "CRM_DATABASE_URL": f"sqlite://{Path(tmp) / 'demo.sqlite3'}",
            "CRM_PORT": str(port),
        }
        log = (Path(tmp) / "server.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "--demo", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait(base, process, timeout, Path(tmp) / "server.log")
            yield f"{base}/graphql"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()


def _wait(base: str, process: subprocess.Popen[bytes], timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                _("The demo server stopped:\n{value}").format(value=log.read_text()[-2000:])
            )
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit(
        _("The demo server did not start within {timeout:.0f} s.").format(timeout=timeout)
    )
