"""A line that says what is on screen is out of date, and how to bring it up to date."""

from __future__ import annotations

from textual.widgets import Static


class Notice(Static):
    """Hidden until shown; unlike the Banner it is not a failure, so it is not red and a
    successful call does not clear it (only reading the data again does)."""

    DEFAULT_CSS = """
    Notice { display: none; background: $warning 40%; color: $text; padding: 0 1; height: auto; }
    Notice.-shown { display: block; }
    """

    def show(self, message: str) -> None:
        self.update(message)
        self.add_class("-shown")

    def clear(self) -> None:
        self.update("")
        self.remove_class("-shown")

    @property
    def shown(self) -> bool:
        return self.has_class("-shown")
