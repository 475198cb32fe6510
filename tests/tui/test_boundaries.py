"""The client talks to the server only over HTTP: it imports no server code, and its API
layer imports no Textual (so scripts and tests can use it headless)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _modules_after(statement: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{statement}; import sys; print('\\n'.join(sys.modules))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {m.split(".")[0] for m in out.split()}


def test_api_layer_loads_without_textual_or_server() -> None:
    loaded = _modules_after("import tui.api, tui.api.tokens, tui.api.customers, tui.api.followups")
    assert "textual" not in loaded
    assert "server" not in loaded
    assert "gql" in loaded  # the check sees real imports


def test_whole_client_never_imports_server() -> None:
    loaded = _modules_after(
        "import tui.app, tui.__main__, tui.demo, tui.screens.queue, tui.screens.team, "
        "tui.dialogs.log_contact, tui.dialogs.reason, tui.dialogs.filter"
    )
    assert "textual" in loaded
    assert "server" not in loaded
    for path in (ROOT / "tui").rglob("*.py"):
        text = path.read_text()
        assert "import server" not in text and "from server" not in text, path
