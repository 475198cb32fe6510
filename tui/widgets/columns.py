"""Table columns that fit the terminal: fixed ones keep their width, flexible ones share
what is left, and a cell too long for its column ends in "…" instead of being cut mid-word
or pushing the table past the screen's edge (a horizontal scrollbar would take a row)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from tui.i18n import _

# DataTable pads each cell by one column on either side, and keeps room for its vertical
# scrollbar.
_PADDING = 2
_SCROLLBAR = 2


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # marked with N_() where declared, shown through _()
    width: int = 0  # fixed width; 0 means flexible
    share: float = 1.0  # a flexible column's part of the room left
    least: int = 6  # never narrower than this


def widths(total: int, columns: list[Column]) -> dict[str, int]:
    """The width of each column for a table `total` cells wide."""
    room = total - _SCROLLBAR - _PADDING * len(columns) - sum(c.width for c in columns)
    flexible = [c for c in columns if not c.width]
    shares = sum(c.share for c in flexible) or 1.0
    flexed: dict[str, int] = {}
    left = room
    for n, column in enumerate(flexible):
        last = n == len(flexible) - 1
        size = left if last else int(room * column.share / shares)
        flexed[column.key] = max(column.least, size)
        left -= flexed[column.key]
    return {c.key: c.width or flexed[c.key] for c in columns}


def lay_out(table: DataTable[Any], columns: list[Column], total: int) -> None:
    """(Re)create the table's columns for its width; rows are added again by the caller."""
    table.clear(columns=True)
    sizes = widths(total, columns)
    for column in columns:
        table.add_column(_(column.label), key=column.key, width=sizes[column.key])


def pad(text: str, width: int) -> str:
    """`text` followed by spaces up to `width` terminal cells (a Chinese character takes
    two cells, so str.ljust would leave columns ragged)."""
    return text + " " * max(0, width - cell_len(text))


def fit(value: object, style: str = "") -> Text:
    """A cell that ends in "…" when longer than its column."""
    text = value if isinstance(value, Text) else Text(str(value), style=style)
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text
