"""Signing in and out, and colleagues."""

from __future__ import annotations

from tui.api.errors import NotAuthenticated
from tui.api.records import User
from tui.api.transport import Transport
from tui.i18n import _

_USER = "id username displayName role permissions"  # not text: GraphQL fields

LOGIN = f"""
mutation Login($username: String!, $password: String!) {{
  login(input: {{username: $username, password: $password}}) {{
    token expiresAt
    user {{ {_USER} }}
    userErrors {{ field code message }}
  }}
}}"""

LOGOUT = """
mutation Logout { logout { revoked userErrors { field code message } } }"""

VIEWER = f"""
query Viewer {{ viewer {{ {_USER} }} }}"""

USERS = """
query Users($search: String) {
  users(search: $search, first: 100) { nodes { id username displayName role } }
}"""

OPERATIONS = {"LOGIN": LOGIN, "LOGOUT": LOGOUT, "VIEWER": VIEWER, "USERS": USERS}


class AccountsCalls(Transport):
    async def login(self, username: str, password: str) -> User:
        """Exchange the password for a token, kept on this client; UserErrors when refused."""
        payload = await self._mutate(LOGIN, "login", {"username": username, "password": password})
        self.token = payload["token"]
        self.user = User.parse(payload["user"])
        return self.user

    async def logout(self) -> None:
        """Revoke this token on the server; the client forgets it either way."""
        try:
            if self.token:
                await self._execute(LOGOUT)
        finally:
            self.token = None
            self.user = None

    async def viewer(self) -> User:
        """Who the token belongs to; NotAuthenticated when it is no longer valid."""
        data = await self._execute(VIEWER)
        if not data["viewer"]:
            raise NotAuthenticated(_("The session has ended."))
        self.user = User.parse(data["viewer"])
        return self.user

    async def users(self, search: str = "") -> list[User]:
        """Colleagues whose name contains `search`, the first 100 by username."""
        data = await self._execute(USERS, {"search": search.strip() or None})
        return [User.parse(u) for u in data["users"]["nodes"]]
