"""A list of choices to tick with the space bar, usable by keyboard from the first key and
readable without colour: a ticked line says ✓."""

from __future__ import annotations

from textual import on
from textual.widgets import SelectionList
from textual.widgets.selection_list import Selection

TICK, BLANK = "✓ ", "  "


class CheckList(SelectionList[str]):
    def __init__(self, *choices: tuple[str, str, bool], **kwargs: object) -> None:
        """Choices as (label, value, ticked)."""
        self._labels: dict[str, str] = {value: label for label, value, _ in choices}
        super().__init__(
            *[
                Selection(self._prompt(label, ticked), value, ticked)
                for label, value, ticked in choices
            ],
            **kwargs,  # type: ignore[arg-type]
        )

    @staticmethod
    def _prompt(label: str, ticked: bool) -> str:
        return (TICK if ticked else BLANK) + label

    def label_of(self, value: str) -> str:
        return self._labels.get(value, value)

    def add_choice(self, label: str, value: str, ticked: bool = False) -> None:
        self._labels[value] = label
        self.add_option(Selection(self._prompt(label, ticked), value, ticked))

    def on_focus(self) -> None:
        # Space works at once: without a highlighted line it would toggle nothing until ↓.
        if self.highlighted is None and self.option_count:
            self.highlighted = 0

    @on(SelectionList.SelectedChanged)
    def _marks(self) -> None:
        chosen = set(self.selected)
        for index in range(self.option_count):
            value = self.get_option_at_index(index).value
            self.replace_option_prompt_at_index(
                index, self._prompt(self._labels.get(value, str(value)), value in chosen)
            )
