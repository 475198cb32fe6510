"""`crm demo`'s server and `crm logout`, against a real server process on a free port."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tui.__main__ import main
from tui.api import CrmClient, NotAuthenticated
from tui.api.tokens import TokenStore
from tui.demo import DEMO_PASSWORD, DEMO_USER, demo_server


def test_demo_server_then_logout_revokes_the_stored_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # where platformdirs puts config
    with demo_server() as url:

        async def sign_in() -> str:
            api = CrmClient(url)
            await api.login(DEMO_USER, DEMO_PASSWORD)
            queue = await api.queue()
            # The demo company has work in every section of the queue.
            assert queue.overdue.total and queue.upcoming.total
            await api.close()
            return api.token or ""

        token = asyncio.run(sign_in())
        store = TokenStore()
        assert str(store.path).startswith(str(tmp_path))
        store.put(url, token)

        assert main(["--url", url, "logout"]) == 0
        assert TokenStore().get(url) is None

        async def still_valid() -> None:
            api = CrmClient(url, token)
            try:
                await api.viewer()
            finally:
                await api.close()

        with pytest.raises(NotAuthenticated):
            asyncio.run(still_valid())
