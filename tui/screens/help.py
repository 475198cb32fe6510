"""`?`: every key of the screen underneath, and the app-wide ones."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui.i18n import N_, _
from tui.keys import localize_bindings
from tui.widgets.columns import pad


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", N_("Close")),
        Binding("question_mark", "close", N_("Close"), show=False),
        Binding("q", "close", N_("Close"), show=False),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help { width: 64; height: auto; max-height: 22; border: round $accent; padding: 0 1; }
    """

    def __init__(self, of: Screen[object]) -> None:
        super().__init__()
        localize_bindings(self)
        self.of = of

    def compose(self) -> ComposeResult:
        lines = [_("[b]Keys on this screen[/b]")]
        for binding in self.of.BINDINGS:
            if isinstance(binding, Binding):
                said = _(binding.tooltip or binding.description)
                lines.append(f"  {pad(_key(binding.key), 12)} {said}")
        lines += [
            "",
            _("[b]Everywhere[/b]"),
            "  " + pad("ctrl+p", 12) + " " + _("Command palette: every screen and action"),
            "  " + pad("ctrl+q", 12) + " " + _("Quit"),
            "  " + pad("escape", 12) + " " + _("Close a dialog or go back"),
            "",
            _("Dialogs save with ctrl+s. Tab moves between fields."),
        ]
        with VerticalScroll(id="help"):
            yield Static("\n".join(lines))

    def action_close(self) -> None:
        self.dismiss(None)


# Keys Textual names by their character's name, shown as the character.
_SHOWN = {
    "question_mark": "?",
    "dollar_sign": "$",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


def _key(key: str) -> str:
    return _SHOWN.get(key, key)
