"""`crm demo`'s server and `crm logout`, against a real server process on a free port."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tui.__main__ import main
from tui.api import CrmClient, NotAuthenticated
from tui.api.tokens import TokenStore
from tui.demo import DEMO_PASSWORD, DEMO_USER, demo_server, free_port


def test_demo_server_then_logout_revokes_the_stored_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # where platformdirs puts config
    monkeypatch.delenv("CRM_URL", raising=False)
    port = free_port()
    with demo_server(port=port) as url:
        assert url == f"http://127.0.0.1:{port}/graphql"

        async def sign_in() -> str:
            api = CrmClient(url)
            await api.login(DEMO_USER, DEMO_PASSWORD)
            queue = await api.queue()
            # The demo company has work in every section of the queue.
            assert queue.overdue.total and queue.upcoming.total
            await api.close()
            # The service department opens on a board with work in every open step.
            service = CrmClient(url)
            await service.login("zhou", DEMO_PASSWORD)
            board = await service.complaint_board()
            await service.close()
            assert all(column.count for column in board.columns)
            assert board.overdue_count
            return api.token or ""

        token = asyncio.run(sign_in())
        store = TokenStore()
        assert str(store.path).startswith(str(tmp_path))
        store.put(url, token)

        # Without --url: the server signed in to last, not the default address.
        assert main(["--lang", "en", "logout"]) == 0
        assert capsys.readouterr().out.strip() == f"Logged out of {url}."
        assert TokenStore().get(url) is None

        async def still_valid() -> None:
            api = CrmClient(url, token)
            try:
                await api.viewer()
            finally:
                await api.close()

        with pytest.raises(NotAuthenticated):
            asyncio.run(still_valid())


def test_the_last_server_is_remembered_across_formats(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    path.write_text('{"http://a/graphql": "t1"}')  # the first format: url -> token
    store = TokenStore(path)
    assert store.get("http://a/graphql") == "t1"
    assert store.last_url() == "http://a/graphql"  # the only session
    store.put("http://b/graphql", "t2")
    assert store.last_url() == "http://b/graphql"
    store.put("http://b/graphql", None)
    assert store.last_url() == "http://a/graphql"
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_help_describes_every_option_and_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", "en", "--help"])
    text = capsys.readouterr().out
    for words in (
        "--url URL    The server's GraphQL address",
        "--lang LANG  Language: zh_CN, en",
        "logout     Revoke",
        "demo       Start",
    ):
        assert words in text
    with pytest.raises(SystemExit):
        main(["--lang", "en", "demo", "--help"])
    assert "--port PORT" in capsys.readouterr().out
    # In Chinese, the help is Chinese too.
    with pytest.raises(SystemExit):
        main(["--lang", "zh", "--help"])
    assert "服务器的 GraphQL 地址" in capsys.readouterr().out
