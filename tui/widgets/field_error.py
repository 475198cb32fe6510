"""A line under a form field for the server's message about it."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Static

from tui.api import UserErrors


class FieldError(Static):
    DEFAULT_CSS = """
    FieldError { color: $error; height: auto; display: none; }
    FieldError.-shown { display: block; }
    """

    def show(self, message: str | None) -> None:
        self.update(message or "")
        self.set_class(bool(message), "-shown")


def show_refusal(form: Widget, refused: UserErrors, names: Iterable[str]) -> None:
    """The server's messages beside their fields (`#error-<name>`); a message no field
    claims goes to `#error-form`. Nothing the user typed is touched."""
    named = False
    for name in names:
        # A nested input field ("expectedOrder.amount"): #error-expectedOrder-amount.
        found = form.query(f"#error-{name.replace('.', '-')}")
        if not found:
            continue
        text = refused.for_field(name)
        named = named or bool(text)
        found.first(FieldError).show(text)
    form.query_one("#error-form", FieldError).show(None if named else str(refused))
