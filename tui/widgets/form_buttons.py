"""The row every dialog ends with: Cancel (esc) and the save action (ctrl+s)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button

from tui.i18n import _


def form_buttons(save: str = _("Save"), *before: Button) -> ComposeResult:
    """`before`: further buttons of the dialog, shown left of Cancel."""
    with Horizontal(id="buttons"):
        yield from before
        yield Button(_("Cancel  esc"), compact=True, id="cancel")
        yield Button(
            _("{save}  ctrl+s").format(save=save), variant="primary", compact=True, id="save"
        )
