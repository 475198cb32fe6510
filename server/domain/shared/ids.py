"""Database ids as they may arrive from outside (global IDs, cursors, files).

`str.isdigit()` is true for "١٢" and "²", and `int()` reads the first as 12, so an Arabic-
Indic id used to name a real row; a 30-digit id reached PostgreSQL and failed there as an
internal error. One strict parser answers for every entry point.
"""

from __future__ import annotations

import re

# Every id column is a 32-bit integer (IntField) on both databases.
MAX_DB_ID = 2**31 - 1
_ASCII_ID = re.compile(r"[1-9][0-9]{0,9}")


def db_id(text: object) -> int | None:
    """The id in `text` when it is a plain ASCII number in the columns' range, else None."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text if 0 < text <= MAX_DB_ID else None
    if not isinstance(text, str) or not _ASCII_ID.fullmatch(text):
        return None
    value = int(text)
    return value if value <= MAX_DB_ID else None
