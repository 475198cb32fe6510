"""A text box that leaves a few characters to the screen's keys: `?` for help while the box
has focus, `[` and `]` for the day on the visit plan. Textual gives every printable key to
a focused input before any binding, priority ones included."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input


class KeyInput(Input):
    def __init__(self, *args: Any, passes: str = "?", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.passes = passes

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if character is not None and character in self.passes:
            return False
        return super().check_consume_key(key, character)
