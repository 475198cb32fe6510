"""The client's language: which one, the message catalogue, and formatting by locale.

Strings are written in English in the code and wrapped in `_()` (or marked with `N_()`
where they are defined before a language is chosen, e.g. key descriptions, and translated
where they are shown). The catalogues are gettext `.po` files under tui/locale, compiled by
Babel when first used, so a translator edits one text file and nothing binary is kept.
Domain words (grades, stages, kinds…) come from tui/locale/glossary.toml instead, one
table both languages and the tests read.

The language is chosen once at start (`crm --lang`, else the saved preference, else
LANG / LC_ALL / LC_MESSAGES, else Chinese) and can be switched while running.
"""

from __future__ import annotations

import gettext
import io
import tomllib
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "crm"
# Chinese first: the people this client is for are Chinese sales teams.
LANGUAGES: dict[str, str] = {"zh_CN": "简体中文", "en": "English"}
DEFAULT = "zh_CN"

_current = DEFAULT


def normalize(tag: str | None) -> str | None:
    """One of LANGUAGES for a language tag or locale name ("zh", "zh-CN", "zh_CN.UTF-8",
    "en_US", "English"), or None when it names none of them."""
    if not tag:
        return None
    base = tag.split(".")[0].split("@")[0].replace("-", "_").strip()
    lowered = base.lower()
    if lowered.startswith("zh") or lowered in ("chinese", "中文"):
        return "zh_CN"
    if lowered.startswith("en") or lowered == "english":
        return "en"
    return None


def choose(cli: str | None, saved: str | None, env: Mapping[str, str]) -> str:
    """The language to start in: the command line, else the saved preference, else the
    environment's locale (LC_ALL, LC_MESSAGES, LANG, in POSIX order), else Chinese."""
    for candidate in (cli, saved, env.get("LC_ALL"), env.get("LC_MESSAGES"), env.get("LANG")):
        found = normalize(candidate)
        if found:
            return found
    return DEFAULT


def set_language(language: str) -> None:
    """Show everything from now on in `language` (one of LANGUAGES)."""
    global _current
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
    _current = language


def language() -> str:
    return _current


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _(message: str) -> str:
    """`message` in the current language (the English itself when not translated)."""
    return _catalogue(_current).gettext(message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the current language."""
    return _catalogue(_current).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` as meant in `context`, for a word that reads differently in different
    places ("By": who filed a request, who logged a contact)."""
    return _catalogue(_current).pgettext(context, message)


def N_(message: str) -> str:
    """Mark a string for the catalogue where it is defined; translate it with `_()` where
    it is shown (class-level key descriptions, column headings)."""
    return message


# --- domain words ----------------------------------------------------------------------


@cache
def glossary() -> dict[str, dict[str, dict[str, str]]]:
    """{enum: {value: {language: word}}} from tui/locale/glossary.toml."""
    with (LOCALE_DIR / "glossary.toml").open("rb") as source:
        return tomllib.load(source)


def term(enum: str, value: str) -> str:
    """The word for an enum value in the current language; the value itself if unknown."""
    words = glossary().get(enum, {}).get(value)
    if not words:
        return value
    return words.get(_current) or words.get("en") or value


class Terms(Mapping[str, str]):
    """An enum's words, read in the language current when asked (not when imported)."""

    def __init__(self, enum: str) -> None:
        self.enum = enum

    def __getitem__(self, value: str) -> str:
        if value not in glossary().get(self.enum, {}):
            raise KeyError(value)
        return term(self.enum, value)

    def __iter__(self) -> Iterator[str]:
        return iter(glossary().get(self.enum, {}))

    def __len__(self) -> int:
        return len(glossary().get(self.enum, {}))


# --- formatting ------------------------------------------------------------------------


def relative_day(day: date, today: date) -> str:
    """今天 / 3天前 / 3天后 — today / 3d ago / in 3d: how far a day is from today."""
    delta = (day - today).days
    if delta == 0:
        return _("today")
    if delta < 0:
        return _("{n}d ago").format(n=-delta)
    return _("in {n}d").format(n=delta)


def duration(seconds: int) -> str:
    """How long, in the largest whole unit: 3天 / 5小时 / 20分钟 — 3d / 5h / 20m."""
    if seconds >= 86400:
        return _("{n}d").format(n=seconds // 86400)
    if seconds >= 3600:
        return _("{n}h").format(n=seconds // 3600)
    return _("{n}m").format(n=max(0, seconds) // 60)


def time_left(due: datetime, now: datetime) -> str:
    """How long until a due time, or how long past it: 还剩5小时 / 超期2天 — 5h left /
    2d over."""
    seconds = int((due - now).total_seconds())
    if seconds < 0:
        return _("{duration} over").format(duration=duration(-seconds))
    return _("{duration} left").format(duration=duration(seconds))


def number(value: int | float | Decimal) -> str:
    """A number with the locale's grouping: 12,345."""
    return format_decimal(value, locale=_current)


def percent(fraction: float | Decimal) -> str:
    """A fraction as a percentage: 0.35 → 35%."""
    return format_percent(fraction, locale=_current)


def money_text(amount: str, currency: str) -> str:
    """An exact decimal amount with its currency sign and separators: ¥1,234.50."""
    try:
        value = Decimal(amount)
    except InvalidOperation:
        return amount
    return format_currency(value, currency or "CNY", locale=_current)
