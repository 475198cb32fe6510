"""The row every dialog ends with: Cancel (esc) and the save action (ctrl+s)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button


def form_buttons(save: str = "Save", *before: Button) -> ComposeResult:
    """`before`: further buttons of the dialog, shown left of Cancel."""
    with Horizontal(id="buttons"):
        yield from before
        yield Button("Cancel  esc", compact=True, id="cancel")
        yield Button(f"{save}  ctrl+s", variant="primary", compact=True, id="save")
