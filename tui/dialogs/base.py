"""What dialogs that talk to the server share: the client they were given."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

from tui.api import CrmClient
from tui.keys import localize_bindings

ResultType = TypeVar("ResultType")


class ApiDialog(ModalScreen[ResultType]):
    """A modal form or picker that calls the server through the client passed in (the
    screen that opens it passes its own), never by reaching for the app's."""

    def __init__(self, api: CrmClient) -> None:
        super().__init__()
        self.api = api
        localize_bindings(self)
