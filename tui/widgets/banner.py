"""The one place a screen says the server is unreachable (or failed), with the way out."""

from __future__ import annotations

from textual.widgets import Static


class ShownLine(Static):
    """A line hidden until there is something to say."""

    def show(self, message: str) -> None:
        self.update(message)
        self.add_class("-shown")

    def clear(self) -> None:
        self.update("")
        self.remove_class("-shown")

    @property
    def shown(self) -> bool:
        return self.has_class("-shown")


class Banner(ShownLine):
    """What went wrong talking to the server; `r` retries from the screen's bindings."""

    DEFAULT_CSS = """
    Banner { display: none; background: $error; color: $text; padding: 0 1; height: auto; }
    Banner.-shown { display: block; }
    """
