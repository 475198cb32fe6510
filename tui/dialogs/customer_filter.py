"""Narrow the customer list by grade, stage, region, tag, owner and key accounts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, SelectionList, Static

from tui.api import ApiError, CrmClient
from tui.api.customers import CustomerFilter
from tui.api.vocabulary import GRADES, STAGE_LABEL, STAGES, grade_meaning
from tui.dialogs.base import ApiDialog
from tui.i18n import N_, _
from tui.widgets.checklist import CheckList
from tui.widgets.form_buttons import form_buttons

if TYPE_CHECKING:
    pass


def _words(text: str, *, spaces: bool = False) -> tuple[str, ...]:
    """Comma-separated entries (全角逗号 too; with `spaces`, blanks separate too), each
    without a leading #, empty ones dropped."""
    cleaned = text.replace("，", ",")
    if spaces:
        cleaned = cleaned.replace(" ", ",")
    words = (w.strip().lstrip("#").strip() for w in cleaned.split(","))
    return tuple(w for w in words if w)


class CustomerFilterDialog(ApiDialog[CustomerFilter | None]):
    BINDINGS = [
        Binding("ctrl+s", "apply", N_("Apply"), priority=True),
        Binding("ctrl+l", "clear", N_("Clear all"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]
    DEFAULT_CSS = """
    CustomerFilterDialog { align: center middle; }
    #dialog { width: 76; height: auto; border: round $accent; padding: 0 1; }
    .row { height: 1; margin-bottom: 1; }
    .row > Label { width: 9; }
    .row > Input { width: 1fr; }
    #heads { height: 1; }
    #heads > Label { width: 1fr; }
    #lists { height: 7; }
    #lists SelectionList { width: 1fr; }
    #key { margin-top: 1; }
    #buttons { height: 1; align-horizontal: right; margin-top: 1; }
    #buttons Button { margin-left: 2; }
    """

    def __init__(self, api: CrmClient, current: CustomerFilter) -> None:
        super().__init__(api)
        self.current = current

    def compose(self) -> ComposeResult:
        now = self.current
        with Vertical(id="dialog"):
            yield Static(_("[b]Filter customers[/b]  (the search box narrows further)"))
            with Horizontal(classes="row"):
                yield Label(_("Regions"))
                yield Input(
                    ", ".join(now.regions), placeholder="华东, 华北", compact=True, id="regions"
                )
            with Horizontal(classes="row"):
                yield Label(_("Tags"))
                yield Input(
                    ", ".join(now.tags), placeholder=_("all of these"), compact=True, id="tags"
                )
            with Horizontal(id="heads"):
                yield Label(_("Grade"))
                yield Label(_("Stage"))
                yield Label(_("Owner"))
            with Horizontal(id="lists"):
                yield CheckList(
                    *[(f"{g} {grade_meaning(g)}", g, g in now.grades) for g in GRADES],
                    id="grades",
                )
                yield CheckList(
                    *[(STAGE_LABEL[s], s, s in now.stages) for s in STAGES], id="stages"
                )
                # Filled from the server; the owners already chosen are there from the start.
                yield CheckList(*[(name, oid, True) for oid, name in now.owners], id="owners")
            yield Checkbox(_("Key accounts only"), now.key_accounts_only, compact=True, id="key")
            yield from form_buttons(
                _("Apply"), Button(_("Clear  ctrl+l"), compact=True, id="clear")
            )

    def on_mount(self) -> None:
        self.query_one("#regions", Input).focus()
        self.load_owners()

    @work(exclusive=True)
    async def load_owners(self) -> None:
        try:
            people = await self.api.users()
        except ApiError:
            return  # the owners chosen before stay; the rest of the dialog works
        owners = self.query_one("#owners", CheckList)
        chosen = {oid for oid, _ in self.current.owners}
        for user in people:
            if user.role in ("SALES_REP", "MANAGER") and user.id not in chosen:
                owners.add_choice(user.display_name or user.username, user.id)

    def _owner_names(self) -> dict[str, str]:
        owners = self.query_one("#owners", CheckList)
        return {
            str(owners.get_option_at_index(i).value): owners.label_of(
                str(owners.get_option_at_index(i).value)
            )
            for i in range(owners.option_count)
        }

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_apply(self) -> None:
        names = self._owner_names()
        owners = self.query_one("#owners", SelectionList).selected
        self.dismiss(
            CustomerFilter(
                grades=tuple(
                    g for g in GRADES if g in self.query_one("#grades", SelectionList).selected
                ),
                stages=tuple(
                    s for s in STAGES if s in self.query_one("#stages", SelectionList).selected
                ),
                regions=_words(self.query_one("#regions", Input).value),
                tags=_words(self.query_one("#tags", Input).value, spaces=True),
                owners=tuple((str(oid), names.get(str(oid), "")) for oid in owners),
                key_accounts_only=self.query_one("#key", Checkbox).value,
            )
        )

    @on(Button.Pressed, "#clear")
    def action_clear(self) -> None:
        self.dismiss(CustomerFilter())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
