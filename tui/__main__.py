"""crm: the terminal client.

crm [--url URL]      open the client (URL defaults to $CRM_URL, then localhost:8000)
crm logout           revoke the stored session for that server
crm demo             a throwaway server with demo data, signed in as a demo rep
"""

from __future__ import annotations

import argparse
import asyncio
import os
from datetime import date

from tui.api import ApiError, CrmClient
from tui.api.tokens import TokenStore

DEFAULT_URL = "http://127.0.0.1:8000/graphql"


def _run(
    url: str, username: str = "", password: str | None = None, day: date | None = None
) -> None:
    from tui.app import CrmApp

    store = TokenStore()
    api = CrmClient(url, store.get(url))

    async def main() -> None:
        if password is not None:  # the demo signs in for the user
            await api.login(username, password)
        try:
            app = CrmApp(api, store if password is None else None, username, day)
            await app.run_async()
        finally:
            await api.close()

    asyncio.run(main())


def _logout(url: str) -> int:
    store = TokenStore()
    token = store.get(url)
    if token is None:
        print(f"No session stored for {url}.")
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
        print(f"Could not revoke the session on the server ({exc}); forgotten here anyway.")
    store.put(url, None)
    print(f"Logged out of {url}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crm", description="CRM terminal client.")
    parser.add_argument("--url", default=os.environ.get("CRM_URL", DEFAULT_URL))
    parser.add_argument("--user", default="", help="Username to offer on the login screen.")
    parser.add_argument(
        "--day", type=date.fromisoformat, help="Open the queue as of this day (YYYY-MM-DD)."
    )
    parser.add_argument("command", nargs="?", choices=["logout", "demo"])
    args = parser.parse_args(argv)
    if args.command == "logout":
        return _logout(args.url)
    if args.command == "demo":
        from tui.demo import DEMO_PASSWORD, DEMO_USER, demo_server

        print("Starting a demo server with a fresh database…", flush=True)
        with demo_server() as url:
            _run(url, DEMO_USER, DEMO_PASSWORD)
        return 0
    _run(args.url, args.user, day=args.day)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
