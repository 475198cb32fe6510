"""Yes or no, by key: y / n (escape is no)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.i18n import N_, _
from tui.keys import localize_bindings


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", N_("Yes")),
        Binding("n", "answer(False)", N_("No")),
        Binding("escape", "answer(False)", N_("No"), show=False),
    ]
    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    #confirm { width: 60; height: auto; border: round $warning; padding: 1 2; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        localize_bindings(self)
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(
                _("{question}\n\n[b]y[/b] yes   [b]n[/b] no").format(question=self.question)
            )

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
