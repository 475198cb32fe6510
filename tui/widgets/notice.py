"""A line that says what is on screen is out of date, and how to bring it up to date."""

from __future__ import annotations

from tui.widgets.banner import ShownLine


class Notice(ShownLine):
    """Not a failure, so not red, and a successful call does not clear it (the screen
    clears it when it reads the data again)."""

    DEFAULT_CSS = """
    Notice { display: none; background: $warning 40%; color: $text; padding: 0 1; height: auto; }
    Notice.-shown { display: block; }
    """
