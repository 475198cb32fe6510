"""Search keys for Chinese names: full pinyin and initials, so `hzjx` finds 杭州机械厂."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=4096)
def search_text(name: str, code: str | None = None) -> str:
    """Lower-cased name, then its full pinyin, then its initials, then the customer code,
    space separated.

    Heteronyms (重庆 chongqing / zhongqing) take pypinyin's phrase-aware reading, which is
    the one people type.
    """
    lowered = name.lower()
    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="default")]
    full = "".join(syllables).replace(" ", "")
    initials = "".join(s[0] for s in syllables if s and s[0].isalnum())
    keys = f"{lowered} {full} {initials}"
    return f"{keys} {code.lower()}" if code else keys


def normalize_query(query: str) -> str:
    """What a search box string is compared as: trimmed, lower-cased, spaces dropped for pinyin."""
    return query.strip().lower()
