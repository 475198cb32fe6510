"""`?`: every key of the screen underneath, and the app-wide ones."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help { width: 64; height: auto; max-height: 22; border: round $accent; padding: 0 1; }
    """

    def __init__(self, of: Screen[object]) -> None:
        super().__init__()
        self.of = of

    def compose(self) -> ComposeResult:
        lines = ["[b]Keys on this screen[/b]"]
        for binding in self.of.BINDINGS:
            if isinstance(binding, Binding):
                lines.append(f"  {_key(binding.key):<12} {binding.tooltip or binding.description}")
        lines += [
            "",
            "[b]Everywhere[/b]",
            f"  {'ctrl+p':<12} Command palette: every screen and action",
            f"  {'ctrl+q':<12} Quit",
            f"  {'escape':<12} Close a dialog or go back",
            "",
            "Dialogs save with ctrl+s. Tab moves between fields.",
        ]
        with VerticalScroll(id="help"):
            yield Static("\n".join(lines))

    def action_close(self) -> None:
        self.dismiss(None)


def _key(key: str) -> str:
    return {"question_mark": "?", "escape": "escape", "enter": "enter"}.get(key, key)
