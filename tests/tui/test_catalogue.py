"""中文 and English: every text the client shows goes through the message catalogue, every
catalogue entry is translated, every domain word has both languages, and the language is
chosen the way docs/client.md says."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from graphql import GraphQLEnumType, build_schema

from tests.catalogue_checks import catalogue_problems
from tests.tui.catalogue_scan import scan
from tui import i18n
from tui.api import vocabulary
from tui.i18n_tools import extract, read

SCHEMA = build_schema((Path(__file__).resolve().parents[2] / "schema.graphql").read_text())
# The schema's enums whose values the client shows to people.
SHOWN_ENUMS = sorted(
    {*vocabulary.MIRRORS, "AbcClass", "FollowUpStatus", "RouteMethod", "Permission"}
)


def test_every_text_the_client_shows_is_marked_for_the_catalogue() -> None:
    assert scan() == [], "wrap these in _() (or N_() where they are defined)"


@pytest.mark.parametrize("language", sorted(i18n.LANGUAGES))
def test_every_message_is_translated_with_the_same_placeholders(language: str) -> None:
    """Extraction runs here, over the code as it is: a new message that is not in a
    catalogue, or not translated, fails."""
    assert catalogue_problems(extract(), read(language)) == []


@pytest.mark.parametrize("enum", SHOWN_ENUMS)
def test_every_domain_word_has_chinese_and_english(enum: str) -> None:
    published = SCHEMA.type_map[enum]
    assert isinstance(published, GraphQLEnumType)
    words = i18n.glossary().get(enum, {})
    assert set(words) == set(published.values), "the glossary lists the schema's values"
    for value, said in words.items():
        for language in i18n.LANGUAGES:
            assert said.get(language, "").strip(), f"{enum}.{value} has no {language} word"


def test_the_language_comes_from_the_command_line_then_the_saved_choice_then_the_locale() -> None:
    env = {"LANG": "en_US.UTF-8"}
    assert i18n.choose("zh", "en", env) == "zh_CN"
    assert i18n.choose(None, "en", {"LANG": "zh_CN.UTF-8"}) == "en"
    assert i18n.choose(None, None, env) == "en"
    assert i18n.choose(None, None, {"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US"}) == "zh_CN"
    assert i18n.choose(None, None, {"LANG": "C"}) == "zh_CN"  # nobody said: Chinese
    assert i18n.choose("fr", None, {}) == "zh_CN"


def test_words_dates_counts_and_days_follow_the_language() -> None:
    day, today = date(2026, 11, 27), date(2026, 11, 30)
    i18n.set_language("zh_CN")
    assert vocabulary.STAGE_LABEL["NEGOTIATING"] == "正在谈判"
    assert vocabulary.KIND_LABEL["LEADERSHIP_VISIT"] == "领导拜访"
    assert vocabulary.ALLY_LABEL["MODERATE"] == "内线"
    assert vocabulary.grade_meaning("B", 7) == "3个月内成交 · 每7天"
    assert i18n.relative_day(day, today) == "3天前"
    assert i18n.ngettext("{n} customer", "{n} customers", 3).format(n=3) == "3个客户"
    assert i18n.number(1234567) == "1,234,567"
    i18n.set_language("en")
    assert vocabulary.STAGE_LABEL["NEGOTIATING"] == "negotiating"
    assert vocabulary.grade_meaning("B", 7) == "deal within 3 months · every 7 days"
    assert i18n.relative_day(day, today) == "3d ago"
    assert i18n.relative_day(today, day) == "in 3d"
    assert i18n.ngettext("{n} customer", "{n} customers", 1).format(n=1) == "1 customer"
    assert i18n.percent(0.35) == "35%"


def test_every_glossary_entry_has_every_language() -> None:
    """Including the words waiting for the complaint and receivable screens."""
    missing = [
        f"{enum}.{value}: {language}"
        for enum, values in i18n.glossary().items()
        for value, said in values.items()
        for language in i18n.LANGUAGES
        if not said.get(language, "").strip()
    ]
    assert missing == []
    assert {"ComplaintStep", "RemedyKind", "CollectionStep"} <= set(i18n.glossary())
    assert i18n.glossary()["CollectionStep"]["STOP_SUPPLY"]["zh_CN"] == "断货"
