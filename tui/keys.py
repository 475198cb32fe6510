"""Keys: the places every signed-in user can go, declared once (the queue's keys and the
command palette's entries both come from here), and key descriptions in the client's
language."""

from __future__ import annotations

from dataclasses import dataclass, replace

import textual
from textual.binding import Binding
from textual.dom import DOMNode

from tui.i18n import N_, _


@dataclass(frozen=True)
class Place:
    """A screen reached from anywhere: its key on the queue, the app's action that opens it
    (tui/app.py, `action_<action>`), its short label for the footer and its entry in the
    command palette."""

    key: str
    action: str
    label: str  # N_(): the footer's word
    title: str  # N_(): the palette's entry
    help: str  # N_(): what the palette says of it
    tooltip: str = ""  # N_(): what `?` says of the key, when the label is not enough
    show: bool = False  # in the queue's footer (the rest are on `?` and in the palette)
    managers_only: bool = False


PLACES: tuple[Place, ...] = (
    Place(
        "t",
        "team",
        N_("Team"),
        N_("Team view"),
        N_("Overdue and due today per rep"),
        tooltip=N_("Team view (managers)"),
        show=True,
        managers_only=True,
    ),
    Place(
        "c",
        "customers",
        N_("Customers"),
        N_("Customers"),
        N_("Search and browse customers"),
        show=True,
    ),
    Place(
        "v",
        "visits",
        N_("Visit plan"),
        N_("Visit plan"),
        N_("The day's visits in a region, in route order"),
    ),
    Place(
        "a",
        "access",
        N_("Access requests"),
        N_("Access requests"),
        N_("File one, or decide them (managers)"),
    ),
    Place(
        "b",
        "complaints",
        N_("Board"),
        N_("Complaints"),
        N_("The complaint board, by step"),
        tooltip=N_("The complaint board"),
        show=True,
    ),
    Place(
        "dollar_sign",
        "collections",
        N_("Collections"),
        N_("Collections"),
        N_("Overdue customers by step of the collection ladder"),
    ),
)


def place_bindings(own: frozenset[str] = frozenset()) -> list[Binding]:
    """The places as key bindings. Each runs the app's action, except those in `own`,
    which the screen answers itself (the queue opens the visit plan on the selected row's
    region)."""
    return [
        Binding(
            p.key,
            p.action if p.action in own else f"app.{p.action}",
            p.label,
            tooltip=p.tooltip,
            show=p.show,
        )
        for p in PLACES
    ]


# Written for, and checked on, this Textual: `localize_bindings` rewrites the node's own
# copy of its bindings, which Textual keeps in a private attribute (there is no public way
# to change a binding's description per node). tests/tui/test_language.py fails on any
# other version until the footer and palette are checked in Chinese there.
TEXTUAL_CHECKED = "8.2"


def localize_bindings(node: DOMNode) -> None:
    """Show the node's key descriptions in the current language. They are written in
    English with N_() at class level, before any language is chosen; Textual copies them
    into each node when it is made, so each node translates its own copy."""
    keys = node._bindings.key_to_bindings
    for key, bindings in keys.items():
        keys[key] = [
            replace(
                b,
                description=_(b.description) if b.description else b.description,
                tooltip=_(b.tooltip) if b.tooltip else b.tooltip,
            )
            for b in bindings
        ]


def textual_version() -> str:
    """The running Textual's major.minor."""
    return ".".join(textual.__version__.split(".")[:2])
