"""crm: the terminal client.

crm [--url URL]             open the client (URL defaults to $CRM_URL, then localhost:8000)
crm logout [--url URL]      revoke the stored session (default: the server last signed in to)
crm demo [--port P]         a throwaway server with demo data, signed in as a demo rep
crm --lang en|zh_CN         the language (else the saved choice, else LANG, else Chinese)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
from datetime import date

from tui.api import ApiError, CrmClient, UserErrors
from tui.api.tokens import TokenStore
from tui.i18n import LANGUAGES, _, choose, set_language
from tui.preferences import Preferences

DEFAULT_URL = "http://127.0.0.1:8000/graphql"


def _run(
    url: str, username: str = "", password: str | None = None, day: date | None = None
) -> None:
    from tui.api.live import LiveFeed
    from tui.app import CrmApp

    store = TokenStore()
    api = CrmClient(url, store.get(url))

    async def main() -> None:
        if password is not None:  # the demo signs in for the user
            # Not a demo user: the sign-in screen, with the name filled in.
            with contextlib.suppress(UserErrors):
                await api.login(username, password)
        try:
            app = CrmApp(
                api,
                store if password is None else None,
                username,
                day,
                Preferences(),
                live=LiveFeed(url, lambda: api.token),
            )
            await app.run_async()
        finally:
            await api.close()

    asyncio.run(main())


def _logout(url: str | None) -> int:
    store = TokenStore()
    url = url or store.last_url() or DEFAULT_URL
    token = store.get(url)
    if token is None:
        print(_("No session stored for {url}.").format(url=url))
        return 0
    api = CrmClient(url, token)

    async def revoke() -> None:
        try:
            await api.logout()
        finally:
            await api.close()

    try:
        asyncio.run(revoke())
    except ApiError as exc:
        print(
            _("Could not revoke the session on the server ({exc}); forgotten here anyway.").format(
                exc=exc
            )
        )
    store.put(url, None)
    print(_("Logged out of {url}.").format(url=url))
    return 0


def _url_help() -> str:
    return _("The server's GraphQL address (default: $CRM_URL, else {url}).").format(
        url=DEFAULT_URL
    )


def _choose_language(argv: list[str] | None) -> None:
    """Before anything is printed: `--lang`, else the saved choice, else the environment."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang")
    known, _rest = early.parse_known_args(argv)
    set_language(choose(known.lang, Preferences().language, os.environ))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crm",
        description=_(
            "CRM terminal client: your follow-up queue, customers and visits. "
            "Without a command it opens the client."
        ),
    )
    parser.add_argument("--url", help=_url_help())
    parser.add_argument("--user", default="", help=_("Username to offer on the login screen."))
    parser.add_argument(
        "--lang",
        help=_("Language: {choices} (else the saved choice, else LANG, else Chinese).").format(
            choices=", ".join(LANGUAGES)
        ),
    )
    parser.add_argument(
        "--day", type=date.fromisoformat, help=_("Open the queue as of this day (YYYY-MM-DD).")
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    logout = commands.add_parser(
        "logout",
        help=_("Revoke the stored session on the server and forget it here."),
        description=_(
            "Revoke the stored session on the server and forget it here. "
            "Without --url: the server you last signed in to."
        ),
    )
    logout.add_argument("--url", dest="logout_url", help=_url_help())
    demo = commands.add_parser(
        "demo",
        help=_("Start a throwaway server with the demo company and sign in as 张伟 (zhang)."),
        description=_(
            "Start a throwaway server (SQLite in a temporary directory) with the demo "
            "company, open the client signed in as the sales rep 张伟, and stop the server "
            "on exit."
        ),
    )
    demo.add_argument(
        "--port", type=int, default=0, help=_("Port for the demo server (default: a free one).")
    )
    demo.add_argument(
        "--as",
        dest="demo_user",
        default="",
        metavar="USER",
        help=_("Sign in as this demo user instead (wang, zhou, wu, admin…; see the README)."),
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    _choose_language(argv)
    args = build_parser().parse_args(argv)
    env_url = os.environ.get("CRM_URL")
    if args.command == "logout":
        return _logout(args.logout_url or args.url or env_url)
    if args.command == "demo":
        from tui.demo import DEMO_PASSWORD, DEMO_USER, demo_server

        print(_("Starting a demo server with a fresh database…"), flush=True)
        with demo_server(port=args.port or None) as url:
            _run(url, args.demo_user or DEMO_USER, DEMO_PASSWORD)
        return 0
    _run(args.url or env_url or DEFAULT_URL, args.user, day=args.day)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
