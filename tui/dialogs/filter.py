"""Narrow the queue by region, grade and kind of contact."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, SelectionList, Static

from tui.api.vocabulary import GRADES, KIND_LABEL, KINDS, grade_meaning
from tui.i18n import N_, _
from tui.keys import localize_bindings
from tui.widgets.checklist import CheckList


@dataclass
class QueueFilter:
    regions: list[str] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)

    def describe(self) -> str:
        kinds = [KIND_LABEL.get(k, k) for k in self.kinds]
        parts = [", ".join(p) for p in (self.regions, self.grades, kinds) if p]
        return " · ".join(parts) if parts else _("all")


class FilterDialog(ModalScreen[QueueFilter | None]):
    BINDINGS = [
        Binding("ctrl+s", "apply", N_("Apply"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]
    DEFAULT_CSS = """
    FilterDialog { align: center middle; }
    #dialog { width: 70; height: auto; border: round $accent; padding: 0 1; }
    #heads { height: 1; margin-top: 1; }
    #heads Label, #lists CheckList { width: 1fr; }
    #lists { height: 11; }
    #buttons { height: 3; align-horizontal: right; }
    """

    def __init__(self, current: QueueFilter) -> None:
        super().__init__()
        localize_bindings(self)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(_("[b]Filter the queue[/b]  (space ticks, tab moves on)"))
            yield Label(_("Regions (comma separated, empty for all)"))
            yield Input(", ".join(self.current.regions), id="regions")
            with Horizontal(id="heads"):
                yield Label(_("Grade"))
                yield Label(_("Kind of contact"))
            with Horizontal(id="lists"):
                yield CheckList(
                    *[(f"{g} {grade_meaning(g)}", g, g in self.current.grades) for g in GRADES],
                    id="grades",
                )
                yield CheckList(
                    *[(KIND_LABEL[k], k, k in self.current.kinds) for k in KINDS], id="kinds"
                )
            with Horizontal(id="buttons"):
                yield Button(_("Clear"), id="clear")
                yield Button(_("Apply  ctrl+s"), variant="primary", id="apply")

    def on_mount(self) -> None:
        self.query_one("#regions", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        regions = [r.strip() for r in self.query_one("#regions", Input).value.split(",")]
        self.dismiss(
            QueueFilter(
                regions=[r for r in regions if r],
                grades=list(self.query_one("#grades", SelectionList).selected),
                kinds=list(self.query_one("#kinds", SelectionList).selected),
            )
        )

    @on(Button.Pressed, "#clear")
    def clear(self) -> None:
        self.dismiss(QueueFilter())

    def action_cancel(self) -> None:
        self.dismiss(None)
