"""CrmApp: the terminal client. Sign in, then the follow-up queue is home."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time
from functools import partial
from typing import Any, cast

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from tui.api import ApiError, CrmClient, NotAuthenticated
from tui.api.company import Cadences
from tui.api.live import Change, Delivery, LiveFeed
from tui.api.tokens import TokenStore
from tui.i18n import LANGUAGES, N_, _, language, set_language
from tui.keys import PLACES, localize_bindings
from tui.preferences import Preferences
from tui.screens.login import LoginScreen

# Textual's own words the client shows (the command palette key in the footer): listed here
# so they are in the catalogue; localize_bindings translates them with the app's keys.
TEXTUAL_WORDS = (
    N_("palette"),
    N_("Open the command palette"),
    N_("Search for commands…"),
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)


class CrmApp(App[None]):
    TITLE = "CRM"
    BINDINGS = [Binding("ctrl+q", "quit", N_("Quit"), show=False, priority=True)]

    def __init__(
        self,
        api: CrmClient,
        store: TokenStore | None = None,
        username: str = "",
        day: date | None = None,
        preferences: Preferences | None = None,
        language: str | None = None,
        live: LiveFeed | None = None,
    ) -> None:
        """`day` opens the queue as of another day (None: the company's today); `language`
        is one of tui.i18n.LANGUAGES (None: keep the one already chosen); a language picked
        while running is saved in `preferences`; `live` listens for changes made
        elsewhere once signed in (None: screens show what they read)."""
        if language is not None:
            set_language(language)
        super().__init__()
        self.day = day
        self.api = api
        self.store = store
        self.username = username
        self.preferences = preferences
        self.live = live
        self._offline_mark = ""  # what the header's subtitle ends with while not live
        self._cadences: Cadences | None = None
        localize_bindings(self)

    def on_mount(self) -> None:
        self.sub_title = self.api.url
        if self.api.token:
            self.resume_session()
        else:
            self.push_screen(LoginScreen(self.api, self.username), self._signed_in)

    @work(exclusive=True, group="session")
    async def resume_session(self) -> None:
        """A stored token: check it is still good before showing anything behind it."""
        try:
            await self.api.viewer()
        except ApiError as exc:
            note = "" if isinstance(exc, NotAuthenticated) else str(exc)
            self.api.token = None
            self.push_screen(LoginScreen(self.api, self.username, note), self._signed_in)
            return
        self._signed_in(True)

    def _signed_in(self, ok: bool | None) -> None:
        if ok:
            user = self.api.user
            self.sub_title = (
                f"{user.display_name or user.username} @ {self.api.url}" if user else ""
            )
            self.push_screen(self.home_screen())
            self.load_rules()
            self.listen()

    def home_screen(self) -> Screen[Any]:
        """Where the signed-in user's day starts: collections for finance, the complaint
        board for service staff, the follow-up queue for everyone else."""
        user = self.api.user
        if user is not None and user.opens_on_collections:
            from tui.screens.collections import CollectionsScreen

            return CollectionsScreen(self.api)
        if user is not None and user.opens_on_complaints:
            from tui.screens.complaints import ComplaintBoardScreen

            return ComplaintBoardScreen(self.api)
        from tui.screens.queue import QueueScreen

        return QueueScreen(self.api, day=self.day)

    # --- live updates ---------------------------------------------------------------

    @work(exclusive=True, group="live", exit_on_error=False)
    async def listen(self) -> None:
        """Changes made elsewhere, for as long as the app runs (the feed reconnects by
        itself; a new sign-in is picked up from the client's token)."""
        if self.live is not None:
            await self.live.run(self.heard)

    def heard(self, item: Delivery) -> None:
        """A change goes to every open screen (each decides whether it shows it)."""
        from tui.screens.base import ApiScreen

        screens = [s for s in self.screen_stack if isinstance(s, ApiScreen)]
        if isinstance(item, Change):
            for screen in screens:
                screen.heard(item)
            return
        self._mark_offline(not item.up)
        if item.up and item.resumed:
            self.notify(_("Live updates are back."))
            for screen in screens:
                screen.live_resumed()
        elif not item.up and item.signed_out:
            # Revoked elsewhere (signed out on another machine, or by an administrator): said
            # at once, not at the next call; once signed in again the feed resumes and the
            # screens read again.
            self.relogin(
                then=lambda: None,
                message=_("You were signed out elsewhere. Sign in again to carry on."),
            )
        elif not item.up:
            self.notify(_("Live updates stopped; reconnecting…"), severity="warning")

    def _mark_offline(self, offline: bool) -> None:
        """While the feed is down the header says so: the screens show what they read,
        and no longer follow what others do."""
        self.sub_title = self.sub_title.removesuffix(self._offline_mark)
        self._offline_mark = _(" · not live") if offline else ""
        self.sub_title += self._offline_mark

    @work(exclusive=True, group="rules")
    async def load_rules(self) -> None:
        """The company's rules and time zone, early: "today" is the company's day."""
        with contextlib.suppress(ApiError):
            await self.cadences()

    def remember_token(self) -> None:
        if self.store is not None:
            self.store.put(self.api.url, self.api.token)

    def relogin(self, then: Callable[[], object], message: str = "") -> None:
        """The session expired mid-work: sign in on top of the current screen (the password
        field focused, the name filled in), then carry on where the user was."""
        if isinstance(self.screen, LoginScreen):
            return
        name = self.api.user.username if self.api.user else self.username
        self.api.token = None

        def done(ok: bool | None) -> None:
            if ok:
                then()

        said = message or _("Your session has ended. Sign in again.")
        self.push_screen(LoginScreen(self.api, name, said), done)

    async def cadences(self) -> Cadences:
        """Company cadences and time zone, read once per run (they change rarely, and only
        by an admin)."""
        if self._cadences is None:
            self._cadences = await self.api.cadences()
        return self._cadences

    @property
    def known_rules(self) -> Cadences | None:
        """The company rules if already read: for defaults shown before they could be."""
        return self._cadences

    def company_now(self) -> datetime:
        """Now on the company's clock (this computer's zone until the rules are read). When
        the app was opened as of another day, 09:00 that day: what is due, and how long is
        left, read as they would that morning."""
        zone = self._cadences.zone if self._cadences else None
        if self.day is not None:
            return datetime.combine(self.day, time(9), zone or UTC)
        return datetime.now(zone or UTC).astimezone(zone)

    def company_today(self) -> date:
        """Today in the company's time zone once known; this computer's day before that."""
        return self._cadences.today() if self._cadences else date.today()

    # --- the command palette ------------------------------------------------------------

    def action_command_palette(self) -> None:
        """Textual's palette, with its prompt in the client's language."""
        # is_open is typed for App[object]; this app returns None.
        if self.use_command_palette and not CommandPalette.is_open(cast(Any, self)):
            self.push_screen(
                CommandPalette(placeholder=_("Search for commands…"), id="--command-palette")
            )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):  # Textual's, in our language
            yield SystemCommand(_(command.title), _(command.help), command.callback)
        from tui.screens.base import ApiScreen

        # Each screen lists its own entries; the app adds what works from anywhere.
        if isinstance(screen, ApiScreen):
            yield from screen.palette_commands()
        if self.api.user is not None:
            yield SystemCommand(_("My queue"), _("Open my follow-up queue"), self.action_my_queue)
            # The places of tui/keys.py, the team view last (managers only).
            for place in sorted(PLACES, key=lambda p: p.managers_only):
                if place.managers_only and not self.api.user.sees_team:
                    continue
                action = getattr(self, f"action_{place.action}")
                yield SystemCommand(_(place.title), _(place.help), action)
            yield SystemCommand(_("Log out"), _("Revoke this session and quit"), self.action_logout)
        yield SystemCommand(_("Help"), _("Keys of this screen"), self.action_help)
        for code, name in LANGUAGES.items():
            if code != language():
                yield SystemCommand(
                    _("Language: {name}").format(name=name),
                    _("Show the client in {language}").format(language=name),
                    partial(self.action_language, code),
                )

    def action_language(self, code: str) -> None:
        """Switch the client's language now, and remember it for the next start. Screens
        show what they were built with, so the client opens the user's home screen again
        (or the sign-in, before signing in) in the new language."""
        set_language(code)
        if self.preferences is not None:
            self.preferences.language = code
        localize_bindings(self)
        self.refresh_bindings()
        if self.api.user is None:
            if isinstance(self.screen, LoginScreen):
                self.pop_screen()
            self.push_screen(LoginScreen(self.api, self.username), self._signed_in)
            return
        # The user's own home again (the board for service, collections for finance), built
        # in the new language, with its footer.
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(self.home_screen())

    def action_my_queue(self) -> None:
        from tui.screens.queue import QueueScreen

        self.push_screen(QueueScreen(self.api, day=self.day))

    def action_customers(self) -> None:
        from tui.screens.customers import CustomersScreen

        self.push_screen(CustomersScreen(self.api))

    def action_visits(self) -> None:
        from tui.screens.visits import VisitPlanScreen

        self.push_screen(VisitPlanScreen(self.api, "", self.day))

    def action_access(self) -> None:
        from tui.screens.access import AccessRequestsScreen

        self.push_screen(AccessRequestsScreen(self.api))

    def action_complaints(self) -> None:
        from tui.screens.complaints import ComplaintBoardScreen

        self.push_screen(ComplaintBoardScreen(self.api))

    def action_collections(self) -> None:
        from tui.screens.collections import CollectionsScreen

        self.push_screen(CollectionsScreen(self.api))

    def action_team(self) -> None:
        from tui.screens.team import TeamScreen

        self.push_screen(TeamScreen(self.api, self.day))

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.screen))

    @work(exclusive=True, group="session")
    async def action_logout(self) -> None:
        with contextlib.suppress(ApiError):  # the token is forgotten here either way
            await self.api.logout()
        if self.store is not None:
            self.store.put(self.api.url, None)
        self.exit()
