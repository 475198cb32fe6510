"""Switching the client's language while it runs, from the command palette, and starting in
the language the user chose last time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from tests.conftest import Company
from tests.tui.conftest import SIZE, customer_due
from tests.tui.helpers import settle, sign_in, until
from tui import i18n
from tui.api import CrmClient
from tui.api.tokens import TokenStore
from tui.app import CrmApp
from tui.keys import TEXTUAL_CHECKED, textual_version
from tui.preferences import Preferences
from tui.screens.queue import QueueScreen


def _footer(app: Any) -> set[str]:
    return {b.binding.description for b in app.active_bindings.values() if b.binding.show}


async def test_the_palette_switches_to_chinese_and_the_choice_is_kept(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    await customer_due(company, "r1", "杭州机械厂", -1)
    preferences = Preferences(tmp_path / "preferences.json")
    app = CrmApp(api, TokenStore(tmp_path / "session.json"), preferences=preferences, language="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        assert {"Log", "Skip", "Help"} <= _footer(app)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Language")
        await settle(pilot)
        await pilot.pause(0.3)  # the palette searches its commands as you type
        await pilot.press("enter")
        await settle(pilot)
        assert i18n.language() == "zh_CN"
        assert isinstance(app.screen, QueueScreen)
        assert {"记录", "跳过", "帮助"} <= _footer(app)
        # The queue opened anew reads itself again; on a busy machine its worker may start
        # after settle() found none running, so wait (bounded) for the title it paints.
        for _ in range(100):
            title = str(app.screen.query_one("#title", Static).render())
            if "筛选" in title:
                break
            await pilot.pause(0.05)
        assert "筛选" in title
        # The rows are still there, in Chinese: the section headings and the kind.
        assert "已逾期" in app.export_screenshot()
    assert preferences.language == "zh_CN"
    # The next start, with no --lang, opens in the language chosen last time.
    assert i18n.choose(None, preferences.language, {"LANG": "en_US.UTF-8"}) == "zh_CN"


@pytest.mark.parametrize(
    ("who", "home", "keys"),
    [("svc", "ComplaintBoardScreen", {"已逾期", "我的"}), ("fin", "CollectionsScreen", {"判定"})],
)
async def test_switching_language_reopens_the_users_own_home(
    company: Company, api: CrmClient, tmp_path: Path, who: str, home: str, keys: set[str]
) -> None:
    """Service staff stay on their complaint board and finance on collections, redrawn in
    the new language with their footer; neither is dropped on a personal queue."""
    if who == "fin":
        await company.add_user("fin", "finance")
    app = CrmApp(api, TokenStore(tmp_path / "session.json"), language="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, who)
        assert type(app.screen).__name__ == home
        app.action_language("zh_CN")
        await settle(pilot)
        await until(lambda: type(app.screen).__name__ == home, pilot)
        assert keys <= _footer(app), _footer(app)


async def test_a_customer_screen_in_chinese_names_things_the_way_sales_staff_do(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    await customer_due(company, "r1", "杭州机械厂", -1)
    app = CrmApp(api, TokenStore(tmp_path / "session.json"), language="zh_CN")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        shown = app.export_screenshot()
    for words in ("基础资料", "信用状况", "交易现状", "负责人", "档案"):
        assert words in shown, words


def test_key_descriptions_are_translated_on_the_textual_they_were_checked_on() -> None:
    """localize_bindings rewrites Textual's private copy of a node's bindings (there is no
    public way): on another Textual, check the footer, `?` and the palette in Chinese (the
    tests above), then move TEXTUAL_CHECKED in tui/keys.py and the pin in pyproject.toml."""
    assert textual_version() == TEXTUAL_CHECKED
