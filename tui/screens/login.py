"""Sign in. Also shown over the current screen when a session expires; the user then
returns to where they were."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static

from tui.api import ApiError, CrmClient, ServerUnreachable, UserErrors
from tui.host import host
from tui.i18n import N_, _
from tui.keys import localize_bindings
from tui.widgets.banner import Banner
from tui.widgets.field_error import FieldError


class LoginScreen(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "quit", N_("Quit"), show=True)]
    DEFAULT_CSS = """
    LoginScreen { align: center middle; }
    #login { width: 60; height: auto; border: round $accent; padding: 1 2; }
    #login Input { margin-bottom: 0; }
    """

    def __init__(self, api: CrmClient, username: str = "", message: str = "") -> None:
        super().__init__()
        localize_bindings(self)
        self.api = api
        self._username = username
        self._message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="login"):
            yield Static(_("CRM — sign in to {url}").format(url=self.api.url), id="title")
            yield Banner()
            if self._message:
                yield Label(self._message, id="message")
            yield Label(_("Username"))
            yield Input(value=self._username, id="username")
            yield Label(_("Password"))
            yield Input(password=True, id="password")
            yield FieldError(id="error")
            yield Button(_("Sign in"), variant="primary", id="submit")
        yield Footer()

    def on_mount(self) -> None:
        target = "#password" if self._username else "#username"
        self.query_one(target, Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#submit")
    def submit(self) -> None:
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username:
            self.query_one("#username", Input).focus()
            return
        if not password:
            self.query_one("#password", Input).focus()
            return
        self.sign_in(username, password)

    @work(exclusive=True)
    async def sign_in(self, username: str, password: str) -> None:
        crm = host(self)
        error = self.query_one("#error", FieldError)
        try:
            await self.api.login(username, password)
        except UserErrors as exc:
            error.show(str(exc))
            self.query_one("#password", Input).value = ""
            self.query_one("#password", Input).focus()
            return
        except ServerUnreachable as exc:
            self.query_one(Banner).show(_("Cannot reach the server at {url}.").format(url=exc.url))
            return
        except ApiError as exc:
            error.show(str(exc))
            return
        crm.remember_token()
        self.dismiss(True)

    def action_quit(self) -> None:
        self.app.exit()
